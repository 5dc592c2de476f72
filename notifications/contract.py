"""What delivery needs to know and the application tells it: who a row's recipients are,
where a unit's webhook goes, and how delivery is configured."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from tracker.models.outbox import OutboxMessage


@dataclass(frozen=True)
class Recipient:
    """One person a row reaches, with what they chose to receive."""

    key: str  # "user:12": one delivery per row and key
    user_id: int
    name: str
    email: str | None
    language: str = "vi"
    email_mode: str = "each"  # each | digest | off
    inbox: bool = True


@dataclass(frozen=True)
class WebhookTarget:
    """A unit's webhook: where events are POSTed and the secret they are signed with."""

    key: str  # "unit:5"
    url: str
    secret: str


class Directory(Protocol):
    """The application's answers about recipients, read when a row is delivered."""

    def recipients(self, session: Session, message: OutboxMessage) -> list[Recipient]:
        """The people an inbox or e-mail row reaches (a unit's role resolved to its users now)."""

    def person(self, session: Session, user_id: int) -> Recipient | None:
        """One active person, with their choices."""

    def webhook(self, session: Session, unit_id: int) -> WebhookTarget | None:
        """The unit's webhook, if it has one."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes, from `SMTP_URL` (smtp://host:port, smtps://user:pass@host:465,
    smtp://...?starttls=1)."""

    host: str
    port: int
    tls: bool = False  # implicit TLS (smtps)
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0


@dataclass(frozen=True)
class Settings:
    """How delivery behaves, read once from the application's configuration."""

    smtp: SmtpSettings | None
    mail_from: str
    base_url: str
    max_attempts: int = 5
    # Seconds to wait before each retry; the last value repeats.
    backoff: tuple[int, ...] = (30, 120, 600, 1800)
    webhook_timeout: float = 10.0
    queue_name: str = "notifications"

    def backoff_after(self, attempts: int) -> int:
        """Seconds before the next try after `attempts` failed ones."""
        if not self.backoff:
            return 0
        return self.backoff[min(attempts, len(self.backoff)) - 1] if attempts > 0 else 0

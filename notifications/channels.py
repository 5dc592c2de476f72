"""The channels that leave the database: e-mail over SMTP and signed webhooks. (The in-app
inbox is a table, written by the delivery itself.)

A channel either delivers or raises `DeliveryError`; `transient` says whether trying again
later may help (a server down or answering 4xx) or not (a 5xx refusal of the address)."""
from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from notifications.contract import SmtpSettings, WebhookTarget
from notifications.templates import Rendered
from notifications.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, expected_signature

EVENT_HEADER = "X-Tracker-Event-Id"


class DeliveryError(Exception):
    """A message that did not go; `transient` when a later try may succeed."""

    def __init__(self, message: str, *, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class ConfigError(ValueError):
    """A setting that cannot work, reported at start-up."""


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://host:port`, `smtp://user:pass@host:587?starttls=1` or `smtps://user:pass@host:465`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError(f"SMTP_URL phải bắt đầu bằng smtp:// hoặc smtps:// / SMTP_URL must start with smtp:// or smtps:// "
                          f"(got {parts.scheme or 'no scheme'}://)")
    if not parts.hostname:
        raise ConfigError("SMTP_URL thiếu tên máy chủ / SMTP_URL names no host")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError("SMTP_URL có cổng không hợp lệ / SMTP_URL has an invalid port") from None
    query = parse_qs(parts.query)
    return SmtpSettings(
        host=parts.hostname, port=port, tls=parts.scheme == "smtps",
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
    if settings.username:
        client.login(settings.username, settings.password or "")
    return client


def check_smtp(settings: SmtpSettings) -> None:
    """Connect and say NOOP, so a worker reports an unreachable server when it starts."""
    try:
        with _connect(settings) as client:
            client.noop()
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"Không kết nối được máy chủ thư {settings.host}:{settings.port} / "
                            f"cannot reach the mail server {settings.host}:{settings.port}: {error}") from error


def send_mail(settings: SmtpSettings, sender: str, to: str, name: str, message: Rendered, message_id: str) -> None:
    """Send one mail. The Message-ID comes from the outbox row, so a copy sent again after a
    crash is recognisably the same message."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr((name, to))
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    try:
        with _connect(settings) as client:
            client.send_message(mail)
    except smtplib.SMTPResponseException as error:
        code = error.smtp_code
        raise DeliveryError(f"SMTP {code}: {error.smtp_error!r}", transient=code < 500 or code in (554,)) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [c for c, _ in error.recipients.values()]
        raise DeliveryError(f"SMTP refused the recipient: {codes}", transient=all(c < 500 for c in codes)) from error
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP: {error}") from error


def webhook_body(event_id: str, event: str, payload: dict[str, Any], url: str) -> bytes:
    """The JSON an event is sent as."""
    return json.dumps({"id": event_id, "event": event, "case": payload, "url": url},
                      ensure_ascii=False, sort_keys=True).encode()


def post_webhook(target: WebhookTarget, event_id: str, body: bytes, *, timeout: float, now: float | None = None) -> None:
    """POST one signed event; any 2xx is a delivery."""
    timestamp = str(int(now if now is not None else time.time()))
    request = urllib.request.Request(target.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: expected_signature(target.secret, timestamp, body),
        EVENT_HEADER: event_id,
        "User-Agent": "petition-dialogue-tracker",
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the unit's configured URL
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"webhook HTTP {error.code}", transient=error.code >= 500 or error.code in (408, 429)) from error
    except (OSError, urllib.error.URLError) as error:
        raise DeliveryError(f"webhook: {error}") from error

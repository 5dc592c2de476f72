"""The reference receiver's check of a webhook event, for whoever plugs a gateway in (an SMS
gateway, the province's messaging app): copy it. An event is accepted when its signature
is right, its timestamp is within the window, and its id was not seen before (a replayed
body is refused even inside the window). The id is read from the signed body, so it
cannot be changed without breaking the signature.

    verifier = Verifier(secret)
    if not verifier.accept(headers, body, now=time.time()):
        return 401
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", as the tracker signs it."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass
class Verifier:
    """Checks events for one secret and remembers the ids it accepted within the window."""

    secret: str
    window_seconds: int = 300
    seen: dict[str, float] = field(default_factory=dict)

    def accept(self, headers: Mapping[str, str], body: bytes, *, now: float) -> bool:
        """True for a fresh, correctly signed event seen for the first time."""
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not timestamp.isdigit():
            return False
        if abs(now - int(timestamp)) > self.window_seconds:
            return False
        if not hmac.compare_digest(signature, expected_signature(self.secret, timestamp, body)):
            return False
        try:
            event_id = str(json.loads(body)["id"])
        except (ValueError, KeyError, TypeError):
            return False
        # Ids older than the window cannot come back: the timestamp check refuses them.
        self.seen = {k: t for k, t in self.seen.items() if now - t <= self.window_seconds}
        if event_id in self.seen:
            return False
        self.seen[event_id] = now
        return True

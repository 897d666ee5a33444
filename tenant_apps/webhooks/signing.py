"""The signature receivers check: HMAC-SHA256 with the endpoint's secret over "<timestamp>.<raw body>".

Header: `Atrium-Signature: t=<unix seconds>,v1=<hex digest>`. A receiver recomputes the digest over the
timestamp, a dot and the exact bytes it received, compares in constant time, and rejects old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Atrium-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_digest(*, secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature_digest(secret=secret, timestamp=timestamp, body=body)}"

"""The `state` of a started connect: a signed, short-lived token naming the company host (so the one public
callback knows where to send the user back), and a single-use record in Redis bound to the user's session,
holding the PKCE verifier. A state is worth one callback, on its own host, in the session that started it."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django_redis import get_redis_connection

STATE_SALT = "atrium.mail.oauth.state"


class StateInvalid(Exception):
    """The state is forged, garbled or too old."""


@dataclass(frozen=True)
class PendingConnect:
    schema_name: str
    host: str
    user_id: int
    session_hash: str
    provider: str
    email_address: str
    name: str
    code_verifier: str
    # Set when an existing account signs in again instead of a new one being made.
    account_id: int | None = None


def session_hash(session_key: str) -> str:
    return hashlib.sha256(f"atrium.mail.oauth.session:{session_key}".encode()).hexdigest()


def _redis_key(schema_name: str, nonce: str) -> str:
    digest = hashlib.sha256(nonce.encode()).hexdigest()
    return f"{settings.CACHES['default']['KEY_PREFIX']}:mail-oauth-state:{schema_name}:{digest}"


def state_issue(pending: PendingConnect) -> str:
    """Remember `pending` for MAIL_OAUTH_STATE_SECONDS and return the state to send to the provider."""
    nonce = secrets.token_urlsafe(32)
    seconds = int(settings.MAIL_OAUTH_STATE_SECONDS)
    get_redis_connection("default").set(_redis_key(pending.schema_name, nonce), json.dumps(asdict(pending)), ex=seconds)
    return signing.dumps({"h": pending.host, "n": nonce}, salt=STATE_SALT)


def state_host(state: str) -> tuple[str, str]:
    """(company host, nonce) of a state this deployment signed less than MAIL_OAUTH_STATE_SECONDS ago."""
    try:
        payload: Any = signing.loads(state, salt=STATE_SALT, max_age=int(settings.MAIL_OAUTH_STATE_SECONDS))
    except signing.BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise StateInvalid(str(exc)) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("h"), str) or not isinstance(payload.get("n"), str):
        raise StateInvalid("unexpected payload")
    return payload["h"], payload["n"]


def state_signed_host(state: str) -> str | None:
    """The company host of a state this deployment signed, however old (None for a forged or garbled one): where
    to show the user why a late or refused answer could not be used."""
    try:
        payload: Any = signing.loads(state, salt=STATE_SALT)
    except signing.BadSignature:
        return None
    host = payload.get("h") if isinstance(payload, dict) else None
    return host if isinstance(host, str) else None


def state_take(*, schema_name: str, nonce: str) -> PendingConnect | None:
    """The pending connect of `nonce` in this schema, removed in the same step: a second take gets None."""
    raw = get_redis_connection("default").getdel(_redis_key(schema_name, nonce))
    if raw is None:
        return None
    return PendingConnect(**json.loads(raw))

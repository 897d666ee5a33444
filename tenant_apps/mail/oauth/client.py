"""Talking to a provider's OAuth2 endpoints with authlib: the authorize URL (PKCE S256), code exchange, refresh,
and who the token belongs to. Every failure comes out as OAuthProblem with the provider's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.utils import timezone

from tenant_apps.mail.oauth.providers import OAuthProvider

# Used when a token response says nothing about expiry; short, so a wrong guess costs one refresh.
DEFAULT_EXPIRES_IN_SECONDS = 3600


class OAuthProblem(Exception):
    """The provider refused or could not be reached; `error` is the OAuth2 error code (invalid_grant, ...)."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str


def _session(provider: OAuthProvider, redirect_uri: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=provider.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=float(settings.MAIL_CONNECT_TIMEOUT_SECONDS),
    )


def _problem(provider: OAuthProvider, exc: Exception) -> OAuthProblem:
    if isinstance(exc, AuthlibBaseError):
        error = str(getattr(exc, "error", "") or "oauth_error")
        words = str(getattr(exc, "description", "") or "")
        return OAuthProblem(error, f"{provider.label} answered {error}" + (f": {words}" if words else "."))
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return OAuthProblem("server_error", f"{provider.label} answered HTTP {exc.response.status_code}.")
    return OAuthProblem("unreachable", f"{provider.label} could not be reached: {exc}")


def authorize_url_make(*, provider: OAuthProvider, redirect_uri: str, state: str, code_verifier: str) -> str:
    url, _ = _session(provider, redirect_uri).create_authorization_url(
        provider.authorize_url, state=state, code_verifier=code_verifier, **dict(provider.authorize_params)
    )
    return str(url)


def _token_set(provider: OAuthProvider, answer: dict[str, Any], *, previous_refresh_token: str = "") -> TokenSet:
    access_token = answer.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise OAuthProblem("invalid_response", f"{provider.label} answered without an access token.")
    try:
        expires_in = int(answer.get("expires_in") or DEFAULT_EXPIRES_IN_SECONDS)
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN_SECONDS
    refresh_token = answer.get("refresh_token")
    return TokenSet(
        access_token=access_token,
        # A refresh answer without a new refresh token means the old one stays valid.
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else previous_refresh_token,
        expires_at=timezone.now() + timedelta(seconds=max(expires_in, 0)),
        scope=str(answer.get("scope") or provider.scopes),
    )


def code_exchange(*, provider: OAuthProvider, redirect_uri: str, code: str, code_verifier: str) -> TokenSet:
    try:
        answer = _session(provider, redirect_uri).fetch_token(
            provider.token_url, grant_type="authorization_code", code=code, code_verifier=code_verifier
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        raise _problem(provider, exc) from exc
    return _token_set(provider, dict(answer))


def token_refresh(*, provider: OAuthProvider, refresh_token: str) -> TokenSet:
    try:
        answer = _session(provider).refresh_token(provider.token_url, refresh_token=refresh_token)
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        raise _problem(provider, exc) from exc
    return _token_set(provider, dict(answer), previous_refresh_token=refresh_token)


def token_email(*, provider: OAuthProvider, access_token: str) -> str | None:
    """The mailbox a token is for, from userinfo or else introspection; None when the provider offers neither."""
    timeout = float(settings.MAIL_CONNECT_TIMEOUT_SECONDS)
    try:
        if provider.userinfo_url:
            response = requests.get(
                provider.userinfo_url, headers={"Authorization": f"Bearer {access_token}"}, timeout=timeout
            )
        elif provider.introspection_url:
            response = requests.post(
                provider.introspection_url,
                data={"token": access_token},
                auth=(provider.client_id, provider.client_secret),
                timeout=timeout,
            )
        else:
            return None
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise _problem(provider, exc) from exc
    email = answer.get("email") if isinstance(answer, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise OAuthProblem("invalid_response", f"{provider.label} did not say which mailbox the token is for.")
    return email.lower()


def token_revoke(*, provider: OAuthProvider, token: str, token_type_hint: str) -> None:
    """RFC 7009: the provider forgets the token (a refresh token takes its grant's access tokens with it). A 200
    is success, also for a token the provider no longer knows."""
    try:
        response = requests.post(
            provider.revocation_url,
            data={"token": token, "token_type_hint": token_type_hint},
            auth=(provider.client_id, provider.client_secret),
            timeout=float(settings.MAIL_CONNECT_TIMEOUT_SECONDS),
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        raise _problem(provider, exc) from exc

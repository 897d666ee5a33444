"""The "Connect Google / Microsoft / Yahoo / company account" flow: start (PKCE + state bound to the session and
the company host), the public callback's bounce back to that host, and completion, which makes the account (or
restores one that had to sign in again). Every refusal is a ConnectRefused with a code and changes nothing."""

from __future__ import annotations

import secrets
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from tenant_apps.accounts.models import User
from tenant_apps.mail.crypto import secret_encrypt
from tenant_apps.mail.imap.connection import ServerSettings
from tenant_apps.mail.models import AccountStatus, MailAccount, MailOAuthToken, Security
from tenant_apps.mail.oauth.client import OAuthProblem, TokenSet, authorize_url_make, code_exchange, token_email
from tenant_apps.mail.oauth.providers import OAuthProvider, oauth_provider
from tenant_apps.mail.oauth.state import (
    PendingConnect,
    StateInvalid,
    session_hash,
    state_host,
    state_issue,
    state_signed_host,
    state_take,
)
from tenant_apps.mail.oauth.tokens import OAUTH2, grant_store, oauth_login
from tenant_apps.mail.services import (
    CredentialsRefused,
    _mail_account_limit_ensure,
    _sync_enqueue,
    credentials_check,
    is_loopback,
)
from tenants.db import connection
from tenants.models import Domain

CALLBACK_PATH = "/api/mail/oauth/callback"
COMPLETE_PATH = "/api/mail/oauth/complete"
# The frontend's page with the "Connect" buttons; it shows an ?oauth_error= code in words.
SETTINGS_PATH = "/settings/mail-accounts"


class ConnectRefused(Exception):
    """A connect that cannot go on; `code` is the API error code, `status` the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def redirect_uri() -> str:
    """The one callback registered with every provider: on the public host, not on a company's."""
    if settings.MAIL_OAUTH_REDIRECT_URI:
        return str(settings.MAIL_OAUTH_REDIRECT_URI)
    return f"{_origin(settings.BASE_DOMAIN)}{CALLBACK_PATH}"


def _origin(host: str) -> str:
    port = f":{settings.PUBLIC_URL_PORT}" if settings.PUBLIC_URL_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{host}{port}"


def _provider(key: str) -> OAuthProvider:
    provider = oauth_provider(key)
    if provider is None:
        raise ConnectRefused("oauth_provider_unavailable", f"Sign-in with {key!r} is not offered here.")
    for kind, host, security in (
        ("IMAP", provider.imap_host, provider.imap_security),
        ("SMTP", provider.smtp_host, provider.smtp_security),
    ):
        if security == Security.NONE and not is_loopback(host):
            raise ConnectRefused("oauth_provider_unavailable", f"The {kind} server of {provider.label} is unencrypted.")
    return provider


def oauth_connect_start(
    *,
    actor: User,
    host: str,
    session_key: str | None,
    provider_key: str,
    email_address: str = "",
    name: str = "",
    account: MailAccount | None = None,
) -> str:
    """The provider's authorize URL to send the user to. `account` signs an existing account in again."""
    if not session_key:
        raise ConnectRefused("oauth_session_required", "Connecting a mailbox needs a signed-in browser session.")
    provider = _provider(provider_key)
    if account is None:
        _mail_account_limit_ensure()
    code_verifier = secrets.token_urlsafe(64)
    pending = PendingConnect(
        schema_name=str(connection.schema_name),
        host=host,
        user_id=actor.pk,
        session_hash=session_hash(session_key),
        provider=provider.key,
        email_address=(account.email_address if account else email_address).lower(),
        name=account.name if account else (name or email_address),
        code_verifier=code_verifier,
        account_id=account.pk if account else None,
    )
    state = state_issue(pending)
    return authorize_url_make(provider=provider, redirect_uri=redirect_uri(), state=state, code_verifier=code_verifier)


def oauth_callback_bounce(*, query: dict[str, str]) -> str:
    """Where the public callback sends the browser: the same answer, on the company host named in the state."""
    try:
        host, _ = state_host(query.get("state", ""))
    except StateInvalid:
        raise ConnectRefused(
            "oauth_state_invalid", "This sign-in answer is not valid or too old. Start connecting again."
        ) from None
    if not Domain.objects.filter(domain=host).exists():
        raise ConnectRefused("oauth_state_invalid", "This sign-in answer names no company. Start connecting again.")
    kept: dict[str, str] = {key: query[key] for key in ("code", "state", "error", "error_description") if key in query}
    return f"{_origin(host)}{COMPLETE_PATH}?{urlencode(kept)}"


def oauth_error_path(code: str) -> str:
    """Where the browser goes when a connect ends in a refusal: the mail accounts settings page with the error's
    code. The page says what the code means; no text of ours or of the provider travels in the URL."""
    return f"{SETTINGS_PATH}?{urlencode({'oauth_error': code})}"


def oauth_callback_error_location(*, code: str, state: str) -> str:
    """The public callback's refusal: on the company host a signed state names (an expired one too, so the user
    lands where they started), else on this host."""
    host = state_signed_host(state)
    origin = _origin(host) if host and Domain.objects.filter(domain=host).exists() else ""
    return origin + oauth_error_path(code)


def _pending_take(*, actor: User, host: str, session_key: str | None, state: str) -> PendingConnect:
    try:
        state_for_host, nonce = state_host(state)
    except StateInvalid:
        raise ConnectRefused(
            "oauth_state_invalid", "This sign-in answer is not valid or too old. Start connecting again."
        ) from None
    if state_for_host != host:
        raise ConnectRefused("oauth_wrong_company", "This sign-in was started for another company.", status=403)
    pending = state_take(schema_name=str(connection.schema_name), nonce=nonce)
    if pending is None:
        raise ConnectRefused(
            "oauth_state_used", "This sign-in answer was already used or has expired. Start connecting again."
        )
    if (
        pending.host != host
        or pending.user_id != actor.pk
        or not session_key
        or not constant_time_compare(pending.session_hash, session_hash(session_key))
    ):
        raise ConnectRefused("oauth_session_mismatch", "This sign-in was started in another session.", status=403)
    return pending


def oauth_connect_complete(
    *,
    actor: User,
    host: str,
    session_key: str | None,
    state: str,
    code: str = "",
    error: str = "",
    error_description: str = "",
) -> MailAccount:
    """Finish a connect: exchange the code (PKCE), check IMAP and SMTP with the token, then store it."""
    pending = _pending_take(actor=actor, host=host, session_key=session_key, state=state)
    provider = _provider(pending.provider)
    if error or not code:
        words = f"{error}: {error_description}" if error_description else (error or "no authorization code")
        raise ConnectRefused("oauth_denied", f"{provider.label} did not grant access ({words}).")
    try:
        tokens = code_exchange(
            provider=provider, redirect_uri=redirect_uri(), code=code, code_verifier=pending.code_verifier
        )
        approved_email = token_email(provider=provider, access_token=tokens.access_token)
    except OAuthProblem as problem:
        raise ConnectRefused("oauth_provider_error", problem.message) from None
    email_address = approved_email or pending.email_address
    if approved_email and pending.email_address and approved_email != pending.email_address:
        raise ConnectRefused(
            "oauth_wrong_mailbox",
            f"{provider.label} granted access to {approved_email}, not to {pending.email_address}.",
        )
    if not tokens.refresh_token:
        raise ConnectRefused("oauth_provider_error", f"{provider.label} gave no refresh token; access would end soon.")
    if pending.account_id is not None:
        return _account_restore(actor=actor, account_id=pending.account_id, provider=provider, tokens=tokens)
    return _account_make(actor=actor, pending=pending, provider=provider, tokens=tokens, email_address=email_address)


def _servers(provider: OAuthProvider, email_address: str, tokens: TokenSet) -> tuple[ServerSettings, ServerSettings]:
    login = oauth_login(provider.key, None)
    imap = ServerSettings(
        provider.imap_host, provider.imap_port, provider.imap_security, email_address, tokens.access_token, login
    )
    smtp = ServerSettings(
        provider.smtp_host, provider.smtp_port, provider.smtp_security, email_address, tokens.access_token, login
    )
    return imap, smtp


def _check(provider: OAuthProvider, email_address: str, tokens: TokenSet) -> None:
    imap, smtp = _servers(provider, email_address, tokens)
    try:
        credentials_check(imap=imap, smtp=smtp)
    except CredentialsRefused as refused:
        raise ConnectRefused(f"credentials_refused_{refused.problem.status}", refused.problem.message) from None


def _account_make(
    *, actor: User, pending: PendingConnect, provider: OAuthProvider, tokens: TokenSet, email_address: str
) -> MailAccount:
    _mail_account_limit_ensure()
    _check(provider, email_address, tokens)
    with transaction.atomic():
        account = MailAccount.objects.create(
            owner=actor,
            name=pending.name or email_address,
            email_address=email_address,
            provider=provider.key,
            imap_host=provider.imap_host,
            imap_port=provider.imap_port,
            imap_security=provider.imap_security,
            smtp_host=provider.smtp_host,
            smtp_port=provider.smtp_port,
            smtp_security=provider.smtp_security,
            username=email_address,
            # OAuth2 accounts have no password (an encrypted empty one keeps key rotation simple); the tokens
            # live in MailOAuthToken.
            password_encrypted=secret_encrypt(""),
            auth_method=OAUTH2,
            status=AccountStatus.OK,
        )
        grant = MailOAuthToken(account=account, provider=provider.key, access_token_expires_at=timezone.now())
        grant_store(grant=grant, tokens=tokens)
        transaction.on_commit(partial(_sync_enqueue, account.pk))
    return account


def _account_restore(*, actor: User, account_id: int, provider: OAuthProvider, tokens: TokenSet) -> MailAccount:
    account = MailAccount.objects.filter(pk=account_id).first()
    if account is None or not (account.owner_id == actor.pk or actor.is_admin):
        raise ConnectRefused("oauth_account_gone", "The account to sign in again no longer exists.", status=404)
    _check(provider, account.username, tokens)
    with transaction.atomic():
        grant = MailOAuthToken.objects.select_for_update().get(account=account)
        grant.reauth_notified_at = None
        grant.save(update_fields=["reauth_notified_at"])
        grant_store(grant=grant, tokens=tokens)
        account.status, account.status_message, account.status_changed_at = AccountStatus.OK, "", timezone.now()
        account.save(update_fields=["status", "status_message", "status_changed_at"])
        transaction.on_commit(partial(_sync_enqueue, account.pk))
    return account

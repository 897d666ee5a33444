"""Keeping an OAuth2 account's access token usable: refreshed before it expires, again when a server says it has,
and, when the provider no longer honours the refresh token (invalid_grant), the account set to reauth_required
with its owner told once by email. Nothing here retries in a loop: a reauth_required account is not refreshed
again until its owner signs in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.mail.crypto import secret_decrypt, secret_encrypt
from tenant_apps.mail.imap.connection import MailServerError, OAuthLogin
from tenant_apps.mail.models import AccountStatus, MailAccount, MailOAuthToken
from tenant_apps.mail.oauth.client import OAuthProblem, TokenSet, token_refresh
from tenant_apps.mail.oauth.providers import oauth_provider
from tenants.db import connection

# MailAccount.auth_method of accounts that log in with an access token.
OAUTH2 = "oauth2"
# Token endpoint errors that mean the grant is gone for good: only the owner signing in again helps.
GRANT_GONE_ERRORS = {"invalid_grant", "unauthorized_client", "invalid_client"}


class ReauthRequired(MailServerError):
    """The account's grant was revoked or expired; its owner has to connect it again."""

    def __init__(self, status: str = AccountStatus.REAUTH_REQUIRED, message: str = "") -> None:
        super().__init__(status, message)


@dataclass(frozen=True)
class AccountSecret:
    """What an account logs in with: its password, or an access token and the OAuth2 marker."""

    secret: str
    oauth: OAuthLogin | None


def account_secret(account: MailAccount) -> AccountSecret:
    if account.auth_method != OAUTH2:
        return AccountSecret(secret_decrypt(account.password_encrypted), None)
    return AccountSecret(access_token_get(account_id=account.pk), oauth_login(account.provider, account.pk))


def oauth_login(provider_key: str, account_id: int | None) -> OAuthLogin:
    return OAuthLogin(
        vendor="yahoo" if provider_key == "yahoo" else "",
        schema_name=str(connection.schema_name),
        account_id=account_id,
    )


def access_token_get(*, account_id: int, force_refresh: bool = False) -> str:
    """A usable access token: the stored one while it has more than MAIL_OAUTH_REFRESH_MARGIN_SECONDS left,
    otherwise a refreshed one. Raises ReauthRequired or MailServerError, never anything else."""
    margin = timedelta(seconds=int(settings.MAIL_OAUTH_REFRESH_MARGIN_SECONDS))
    problem: MailServerError | None = None
    with transaction.atomic():
        # One refresh at a time per account: the others wait here and then find the fresh token.
        grant = MailOAuthToken.objects.select_for_update().select_related("account").get(account_id=account_id)
        if grant.account.status == AccountStatus.REAUTH_REQUIRED:
            raise ReauthRequired(message=grant.account.status_message)
        if not force_refresh and grant.access_token_expires_at - timezone.now() > margin:
            return secret_decrypt(grant.access_token_encrypted)
        try:
            tokens = _refresh(grant)
        except ReauthRequired as gone:
            reauth_required_set(grant=grant, message=gone.message)
            problem = gone
        except MailServerError as failed:
            problem = failed
        else:
            grant_store(grant=grant, tokens=tokens)
            return tokens.access_token
    raise problem


def access_token_refreshed(*, schema_name: str, account_id: int) -> str:
    """A new token after a server refused the current one (called from the IMAP login, in any process)."""
    with schema_context(schema_name):
        return access_token_get(account_id=account_id, force_refresh=True)


def _refresh(grant: MailOAuthToken) -> TokenSet:
    account = grant.account
    provider = oauth_provider(grant.provider)
    if provider is None:
        raise MailServerError(
            AccountStatus.AUTH_FAILED, f"Sign-in with {grant.provider} is no longer configured on this server."
        )
    refresh_token = secret_decrypt(grant.refresh_token_encrypted) if grant.refresh_token_encrypted else ""
    if not refresh_token:
        raise ReauthRequired(message=_reauth_message(provider.label, account.email_address, "no refresh token"))
    try:
        return token_refresh(provider=provider, refresh_token=refresh_token)
    except OAuthProblem as problem:
        if problem.error in GRANT_GONE_ERRORS:
            message = _reauth_message(provider.label, account.email_address, problem.message)
            raise ReauthRequired(message=message) from None
        raise MailServerError(AccountStatus.UNREACHABLE, problem.message) from None


def _reauth_message(label: str, email_address: str, why: str) -> str:
    return (
        f"{label} no longer accepts Atrium's access to {email_address} ({why}). "
        f"The account's owner has to sign in with {label} again."
    )


def grant_store(*, grant: MailOAuthToken, tokens: TokenSet) -> None:
    grant.access_token_encrypted = secret_encrypt(tokens.access_token)
    if tokens.refresh_token:
        grant.refresh_token_encrypted = secret_encrypt(tokens.refresh_token)
    grant.access_token_expires_at = tokens.expires_at
    grant.scope = tokens.scope
    grant.updated_at = timezone.now()
    fields = ["access_token_encrypted", "refresh_token_encrypted", "access_token_expires_at", "scope", "updated_at"]
    grant.save(update_fields=fields if grant.pk is not None else None)


def access_token_expire(*, account_id: int) -> None:
    """A server said the token expired: the next use refreshes it, whatever its expiry time said."""
    MailOAuthToken.objects.filter(account_id=account_id).update(access_token_expires_at=timezone.now())


def reauth_required_set(*, grant: MailOAuthToken, message: str) -> None:
    """Put the account in reauth_required; its owner is mailed once (until they sign in again)."""
    now = timezone.now()
    MailAccount.objects.filter(pk=grant.account_id).update(
        status=AccountStatus.REAUTH_REQUIRED, status_message=message, status_changed_at=now
    )
    grant.account.status, grant.account.status_message = AccountStatus.REAUTH_REQUIRED, message
    if grant.reauth_notified_at is not None:
        return
    grant.reauth_notified_at = now
    grant.save(update_fields=["reauth_notified_at"])
    transaction.on_commit(partial(_notice_enqueue, grant.account_id))


def _notice_enqueue(account_id: int) -> None:
    from tenant_apps.mail.tasks import mail_reauth_notice_send

    mail_reauth_notice_send.delay(account_id=account_id)

"""Giving a deleted account's OAuth2 grant back to the provider (RFC 7009), so a token Atrium no longer needs stops
working at once instead of lingering until it expires. The refresh token goes (it ends the grant's access tokens
too), or the access token where there is none. Best effort: the delete never waits for it, a failure is logged."""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from django.db import transaction

from tenant_apps.mail.crypto import SecretUnreadable, secret_decrypt
from tenant_apps.mail.models import MailAccount, MailOAuthToken
from tenant_apps.mail.oauth.client import OAuthProblem, token_revoke
from tenant_apps.mail.oauth.providers import oauth_provider

logger = logging.getLogger(__name__)

REVOKED = "revoked"
NO_ENDPOINT = "no revocation endpoint"
FAILED = "failed"


def grant_revoke_on_commit(account: MailAccount) -> None:
    """Inside the delete's transaction, before the grant's row goes: its revocation is queued for after commit,
    carrying the token still encrypted (the broker never sees it in clear)."""
    grant = MailOAuthToken.objects.filter(account=account).first()
    if grant is None:
        return
    if grant.refresh_token_encrypted:
        token_encrypted, hint = grant.refresh_token_encrypted, "refresh_token"
    else:
        token_encrypted, hint = grant.access_token_encrypted, "access_token"
    transaction.on_commit(partial(_revoke_enqueue, grant.provider, token_encrypted, hint))


def _revoke_enqueue(provider_key: str, token_encrypted: str, token_type_hint: str) -> None:
    mail_oauth_grant_revoke.apply_async(
        kwargs={"provider_key": provider_key, "token_encrypted": token_encrypted, "token_type_hint": token_type_hint},
        queue="mail",
    )


@shared_task(name="mail.oauth_grant_revoke", acks_late=True)
def mail_oauth_grant_revoke(*, provider_key: str, token_encrypted: str, token_type_hint: str) -> str:
    provider = oauth_provider(provider_key)
    if provider is None or not provider.revocation_url:
        logger.info(
            "deleted mail account's %s grant left to expire: the provider has no revocation endpoint", provider_key
        )
        return NO_ENDPOINT
    try:
        token_revoke(provider=provider, token=secret_decrypt(token_encrypted), token_type_hint=token_type_hint)
    except SecretUnreadable:
        logger.warning("deleted mail account's %s grant not revoked: no configured key reads the token", provider_key)
        return FAILED
    except OAuthProblem as problem:
        logger.warning("deleted mail account's %s grant not revoked: %s", provider_key, problem.message)
        return FAILED
    return REVOKED

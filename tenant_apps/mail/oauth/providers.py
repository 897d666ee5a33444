"""The OAuth2 providers a deployment offers: the big three, and a company's own server configured by URLs.

A provider is offered only when its client id and secret are set (settings MAIL_OAUTH_*); nothing here is
tenant-specific.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tenant_apps.mail.models import Security
from tenant_apps.mail.presets import PRESETS


@dataclass(frozen=True)
class OAuthProvider:
    key: str
    label: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scopes: str
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    introspection_url: str = ""
    userinfo_url: str = ""
    # RFC 7009 token revocation, called when an account is deleted; empty where the provider has none.
    revocation_url: str = ""
    # Extra query parameters of the authorize URL (Google hands out a refresh token only with these).
    authorize_params: tuple[tuple[str, str], ...] = ()


def _with_preset_servers(preset_key: str, **fields: Any) -> OAuthProvider:
    """A provider whose IMAP and SMTP servers are those of the password preset `preset_key`."""
    preset = PRESETS[preset_key]
    return OAuthProvider(
        imap_host=preset.imap_host,
        imap_port=preset.imap_port,
        imap_security=preset.imap_security,
        smtp_host=preset.smtp_host,
        smtp_port=preset.smtp_port,
        smtp_security=preset.smtp_security,
        **fields,
    )


def _google() -> OAuthProvider:
    return _with_preset_servers(
        "gmail",
        key="google",
        label="Google",
        client_id=settings.MAIL_OAUTH_GOOGLE_CLIENT_ID,
        client_secret=settings.MAIL_OAUTH_GOOGLE_CLIENT_SECRET,
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_url="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL
        scopes="https://mail.google.com/",
        revocation_url="https://oauth2.googleapis.com/revoke",
        authorize_params=(("access_type", "offline"), ("prompt", "consent")),
    )


def _microsoft() -> OAuthProvider:
    return OAuthProvider(
        key="microsoft",
        label="Microsoft",
        client_id=settings.MAIL_OAUTH_MICROSOFT_CLIENT_ID,
        client_secret=settings.MAIL_OAUTH_MICROSOFT_CLIENT_SECRET,
        authorize_url="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token_url="https://login.microsoftonline.com/common/oauth2/v2.0/token",  # noqa: S106 - a URL
        scopes=("https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access"),
        imap_host="outlook.office365.com",
        imap_port=993,
        imap_security=Security.TLS,
        smtp_host="smtp.office365.com",
        smtp_port=587,
        smtp_security=Security.STARTTLS,
    )


def _yahoo() -> OAuthProvider:
    return _with_preset_servers(
        "yahoo",
        key="yahoo",
        label="Yahoo",
        client_id=settings.MAIL_OAUTH_YAHOO_CLIENT_ID,
        client_secret=settings.MAIL_OAUTH_YAHOO_CLIENT_SECRET,
        authorize_url="https://api.login.yahoo.com/oauth2/request_auth",
        token_url="https://api.login.yahoo.com/oauth2/get_token",  # noqa: S106 - a URL
        scopes="mail-w",
    )


def _generic() -> OAuthProvider:
    return OAuthProvider(
        key="generic",
        label=settings.MAIL_OAUTH_GENERIC_LABEL,
        client_id=settings.MAIL_OAUTH_GENERIC_CLIENT_ID,
        client_secret=settings.MAIL_OAUTH_GENERIC_CLIENT_SECRET,
        authorize_url=settings.MAIL_OAUTH_GENERIC_AUTHORIZE_URL,
        token_url=settings.MAIL_OAUTH_GENERIC_TOKEN_URL,
        introspection_url=settings.MAIL_OAUTH_GENERIC_INTROSPECTION_URL,
        userinfo_url=settings.MAIL_OAUTH_GENERIC_USERINFO_URL,
        revocation_url=settings.MAIL_OAUTH_GENERIC_REVOCATION_URL,
        scopes=settings.MAIL_OAUTH_GENERIC_SCOPES,
        imap_host=settings.MAIL_OAUTH_GENERIC_IMAP_HOST,
        imap_port=int(settings.MAIL_OAUTH_GENERIC_IMAP_PORT),
        imap_security=settings.MAIL_OAUTH_GENERIC_IMAP_SECURITY,
        smtp_host=settings.MAIL_OAUTH_GENERIC_SMTP_HOST,
        smtp_port=int(settings.MAIL_OAUTH_GENERIC_SMTP_PORT),
        smtp_security=settings.MAIL_OAUTH_GENERIC_SMTP_SECURITY,
    )


PROVIDER_KEYS = ("google", "microsoft", "yahoo", "generic")
_BUILDERS = {"google": _google, "microsoft": _microsoft, "yahoo": _yahoo, "generic": _generic}


def _configured(provider: OAuthProvider) -> bool:
    needed = (provider.client_id, provider.client_secret, provider.authorize_url, provider.token_url)
    return all(needed) and bool(provider.imap_host and provider.smtp_host)


def oauth_provider(key: str) -> OAuthProvider | None:
    """The provider `key` as this deployment configures it, or None when it is unknown or not offered."""
    builder = _BUILDERS.get(key)
    if builder is None:
        return None
    provider = builder()
    return provider if _configured(provider) else None


def oauth_providers_available() -> list[OAuthProvider]:
    return [provider for key in PROVIDER_KEYS if (provider := oauth_provider(key)) is not None]

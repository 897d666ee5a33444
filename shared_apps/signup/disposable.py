"""Which email domains signup refuses as throwaway. SIGNUP_EMAIL_DOMAIN_CHECK names the callable used, so an
installation can plug in its own list or service; the default checks the built-in list plus
SIGNUP_BLOCKED_EMAIL_DOMAINS."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

# A short list of well-known throwaway-mail services; extend it with SIGNUP_BLOCKED_EMAIL_DOMAINS.
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com", "discard.email", "dispostable.com", "getnada.com", "guerrillamail.com",
        "guerrillamail.net", "mailinator.com", "maildrop.cc", "mintemail.com", "sharklasers.com",
        "temp-mail.org", "tempmail.com", "throwawaymail.com", "trashmail.com", "yopmail.com",
    }
)  # fmt: skip


def email_domain_is_disposable(domain: str) -> bool:
    """True for a listed domain or any subdomain of one."""
    domain = domain.strip().lower().rstrip(".")
    blocked = DISPOSABLE_DOMAINS | {entry.strip().lower() for entry in settings.SIGNUP_BLOCKED_EMAIL_DOMAINS if entry}
    labels = domain.split(".")
    return any(".".join(labels[index:]) in blocked for index in range(len(labels) - 1))


def disposable_check() -> Callable[[str], bool]:
    return cast(Callable[[str], bool], import_string(settings.SIGNUP_EMAIL_DOMAIN_CHECK))

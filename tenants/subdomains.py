"""Which subdomains a company may have, and the schema and host names that follow from one."""

from __future__ import annotations

import re

from django.conf import settings

# A DNS label: lowercase letters, digits and '-', 3 to 63 characters, no '-' at either end.
SUBDOMAIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")

RESERVED_SUBDOMAINS = frozenset(
    {
        "about", "account", "accounts", "admin", "administrator", "api", "app", "apps", "assets", "auth",
        "autoconfig", "autodiscover", "billing", "blog", "cdn", "console", "dashboard", "demo-admin", "dev",
        "docs", "email", "flower", "ftp", "git", "help", "imap", "imaps", "information-schema", "internal",
        "localhost", "login", "mail", "media", "mx", "news", "ns1", "ns2", "ns3", "pop", "pop3", "portal",
        "postmaster", "public", "root", "security", "signup", "smtp", "smtps", "staging", "static", "status",
        "support", "system", "template", "test", "webmail", "www",
    }
)  # fmt: skip
# 'pg-x' would become schema 'pg_x' (reserved by PostgreSQL); 'xn--' labels are punycode look-alikes.
RESERVED_PREFIXES = ("pg-", "xn--")


def subdomain_normalize(raw: str) -> str:
    return raw.strip().lower()


def subdomain_problem(subdomain: str) -> tuple[str, str] | None:
    """Why a (normalized) subdomain cannot be used, as (code, message); None when its form is acceptable."""
    if len(subdomain) < 3 or len(subdomain) > 63:
        return "invalid_length", "A subdomain has 3 to 63 characters."
    if not SUBDOMAIN_PATTERN.match(subdomain):
        return (
            "invalid_format",
            "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'.",
        )
    if subdomain in RESERVED_SUBDOMAINS or subdomain.startswith(RESERVED_PREFIXES):
        return "reserved", f"'{subdomain}' is reserved; please choose another subdomain."
    return None


def schema_name_for(subdomain: str) -> str:
    # '-' never occurs next to '_' in a subdomain, so this mapping is one-to-one.
    return subdomain.replace("-", "_")


def hostname_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"

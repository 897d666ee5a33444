"""Reading Atrium's settings from the environment, with clear errors for malformed values."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Turn postgres://user:pass@host:port/name?options into a Django DATABASES entry.

    A Unix socket goes in the host as a percent-encoded path (postgres://user@%2Ftmp%2Fpg/atrium)
    or as ?host=/tmp/pg.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres://, got scheme {parts.scheme!r}")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = unquote(parts.hostname or "") if parts.hostname else ""
    if "%2f" in parts.netloc.lower():
        # urlsplit lowercases hostnames; a socket path must keep its case.
        host = unquote(parts.netloc.rsplit("@", 1)[-1])
    host = query.pop("host", host)
    options: dict[str, Any] = dict(query)
    conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 60)
    pool_max_size = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if pool_max_size > 0:
        # psycopg's pool (the ASGI web workers, deploy/gunicorn.conf.py): connections are reused across
        # requests without persistent per-thread connections, which ASGI would leak. django-tenants sets
        # search_path again on every connection taken from the pool.
        options["pool"] = {"min_size": 1, "max_size": pool_max_size, "timeout": 10}
        conn_max_age = 0
    return {
        "ENGINE": "config.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or query.pop("port", "") or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }

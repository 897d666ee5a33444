"""Settings come from the environment; production refuses unsafe ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 64


def import_prod_settings(
    show: str = "s.DEBUG, s.SESSION_COOKIE_SECURE", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - the test's own code, run with this interpreter
        [sys.executable, "-c", f"import config.settings.prod as s; print({show})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_prod_refuses_debug_on():
    result = import_prod_settings(DEBUG="true", SECRET_KEY=GOOD_SECRET)

    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_prod_refuses_the_default_secret_key():
    result = import_prod_settings()

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_prod_refuses_a_short_secret_key():
    result = import_prod_settings(SECRET_KEY="short")

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_secret_key_fallbacks_come_from_the_environment():
    result = import_prod_settings(
        "s.SECRET_KEY_FALLBACKS", SECRET_KEY=GOOD_SECRET, SECRET_KEY_FALLBACKS=" old-one , older-one ,"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['old-one', 'older-one']"


def test_prod_starts_with_safe_settings():
    result = import_prod_settings(SECRET_KEY=GOOD_SECRET)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


def test_database_url_over_tcp():
    config = database_from_url("postgres://app:p%40ss@db.internal:6432/atrium?sslmode=require")

    assert config["ENGINE"] == "config.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("atrium", "app", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6432")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_database_url_over_a_unix_socket():
    by_path = database_from_url("postgresql://pgserver@%2Fwork%2F.atrium%2FPgData/atrium")
    by_query = database_from_url("postgresql://pgserver@/atrium?host=/run/Pg")

    assert by_path["HOST"] == "/work/.atrium/PgData"
    assert by_query["HOST"] == "/run/Pg"
    assert by_query["OPTIONS"] == {}


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h/", "not a url"])
def test_bad_database_url_is_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


def test_bad_boolean_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ATRIUM_TEST_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="ATRIUM_TEST_FLAG must be a boolean"):
        env_bool("ATRIUM_TEST_FLAG")

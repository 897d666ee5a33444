"""Backups restored into another database on the real PostgreSQL, as on a new host.

One company: tenant_backup from the test database (A), tenant_restore into a new database (B) that only
`tenants_migrate` has prepared. Everything: the two scripts of deploy/README.md's "Everything" section, run as
written, from A into an empty database (C). Each time every row of the restored schemas must equal A's.

The targets are other databases, reached by `manage.py` subprocesses, exactly as an operator would. The
session's acme and globex are only read.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.utils import timezone

from bench.common import database_drop, database_recreate
from shared_apps.common.testing import TestTenant, database_url

ROOT = Path(__file__).resolve().parents[3]
OPERATIONS_GUIDE = ROOT / "deploy" / "README.md"
MEDIA_FILE = "report-2025.txt"
MEDIA_CONTENT = b"the company's own upload\n"
# What `docker compose run ... migrate sh -c '<script>'` gives the script: the image's DATABASE_URL and
# MEDIA_ROOT (set below), and the host's backups/ directory mounted at /backups (replaced by a test directory).
DOCKER_WRAPPER = re.compile(r"^docker compose run --rm .*-v \"\$PWD/backups:/backups\" .*migrate sh -c '$")


def manage(*arguments: str, url: str, media_root: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(  # noqa: S603 - this interpreter running the project's manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def schema_rows(url: str, schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in `schema`, by table, in a stable order."""
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_type = 'BASE TABLE' ORDER BY table_name",
                [schema],
            )
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }


def tenant_public_rows(url: str, tenant_id: int) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        return {
            "tenant": conn.execute("SELECT * FROM public.tenants_tenant WHERE id = %s", [tenant_id]).fetchall(),
            "domains": conn.execute(
                "SELECT * FROM public.tenants_domain WHERE tenant_id = %s ORDER BY id", [tenant_id]
            ).fetchall(),
        }


@pytest.fixture
def scratch_database(django_db_blocker: Any) -> Iterator[str]:
    """A new, empty database on the same server, dropped afterwards."""
    with django_db_blocker.unblock():
        url = database_url(database_url().rsplit("/", 1)[1] + "_restored")
    database_recreate(url)
    yield url
    database_drop(url)


@pytest.fixture
def acme_media(test_tenants: dict[str, TestTenant], settings: Any, tmp_path: Path) -> Path:
    """A MEDIA_ROOT in which acme has one uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media-a"
    upload = settings.MEDIA_ROOT / "tenants" / str(test_tenants["acme"].tenant_id) / MEDIA_FILE
    upload.parent.mkdir(parents=True)
    upload.write_bytes(MEDIA_CONTENT)
    return Path(settings.MEDIA_ROOT)


def test_one_company_restores_into_a_new_database_prepared_by_migrate(
    test_tenants, acme_media, scratch_database, django_db_blocker, tmp_path
):
    acme = test_tenants["acme"]
    backup = tmp_path / "acme.tar"
    media_b = tmp_path / "media-b"
    with django_db_blocker.unblock():
        call_command("tenant_backup", "acme", str(backup), stdout=io.StringIO())
        url_a = database_url()
    prepared = manage("tenants_migrate", "--no-refill", "--workers=1", url=scratch_database, media_root=media_b)
    assert prepared.returncode == 0, prepared.stderr
    assert tenant_public_rows(scratch_database, acme.tenant_id)["tenant"] == []

    restored = manage("tenant_restore", str(backup), url=scratch_database, media_root=media_b)

    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip().startswith(f"Restored Acme Corp (schema {acme.schema_name}) at {acme.hostname}")
    rows_b = schema_rows(scratch_database, acme.schema_name)
    assert "accounts_user" in rows_b
    assert len(rows_b["accounts_user"]) >= 1
    assert rows_b == schema_rows(url_a, acme.schema_name)
    assert tenant_public_rows(scratch_database, acme.tenant_id) == tenant_public_rows(url_a, acme.tenant_id)
    assert schema_rows(scratch_database, test_tenants["globex"].schema_name) == {}  # only the one company came
    assert (media_b / "tenants" / str(acme.tenant_id) / MEDIA_FILE).read_bytes() == MEDIA_CONTENT


def guide_scripts() -> tuple[str, str]:
    """The backup and the restore script of the operations guide's "Everything" section, as written there."""
    guide = OPERATIONS_GUIDE.read_text()
    section = guide[guide.index("### Everything") : guide.index("## Secret rotation")]
    scripts = []
    lines = section.splitlines()
    for index, line in enumerate(lines):
        if line.endswith("sh -c '"):
            assert DOCKER_WRAPPER.match(line), f"the guide's wrapper changed; update this test: {line}"
            body = []
            for following in lines[index + 1 :]:
                body.append(following)
                if following.endswith("'"):
                    break
            scripts.append("\n".join(body)[:-1])
    assert len(scripts) == 2, scripts
    return scripts[0], scripts[1]


def run_guide_script(script: str, *, url: str, media_root: Path, backups: Path, **extra: str) -> None:
    result = subprocess.run(  # noqa: S603 - the guide's own commands, run as the guide runs them
        ["/bin/sh", "-c", script.replace("/backups/", f"{backups}/")],
        env={**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media_root), **extra},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_guides_everything_backup_restores_into_an_empty_database(
    test_tenants, acme_media, scratch_database, django_db_blocker, tmp_path
):
    backup_script, restore_script = guide_scripts()
    backups = tmp_path / "backups"
    backups.mkdir()
    media_c = tmp_path / "media-c"
    media_c.mkdir()
    with django_db_blocker.unblock():
        url_a = database_url()

    run_guide_script(backup_script, url=url_a, media_root=acme_media, backups=backups)
    today = timezone.localdate().isoformat()
    assert sorted(path.name for path in backups.iterdir()) == [f"atrium-{today}.dump", f"media-{today}.tar.gz"]
    run_guide_script(restore_script, url=scratch_database, media_root=media_c, backups=backups, DAY=today)
    migrated = manage("tenants_migrate", "--no-refill", "--workers=1", url=scratch_database, media_root=media_c)

    assert migrated.returncode == 0, migrated.stderr
    assert "done: 0 migrated," in migrated.stdout  # the dump was current: nothing left to do
    for company in (test_tenants["acme"], test_tenants["globex"]):
        assert schema_rows(scratch_database, company.schema_name) == schema_rows(url_a, company.schema_name)
        assert tenant_public_rows(scratch_database, company.tenant_id) == tenant_public_rows(url_a, company.tenant_id)
    assert schema_rows(scratch_database, "public")["tenants_tenant"] == schema_rows(url_a, "public")["tenants_tenant"]
    restored_upload = media_c / "tenants" / str(test_tenants["acme"].tenant_id) / MEDIA_FILE
    assert restored_upload.read_bytes() == MEDIA_CONTENT

"""One company's backup as a single tar file, and its restore into a database that does not have it.

The archive holds:
  manifest.json   format, schema, subdomain, the schema's applied migrations, when and from which PostgreSQL
  schema.dump     pg_dump --format=custom --schema=<schema>: every table of the company (self-contained by design)
  public.json     the company's rows in the public schema (tenant, domains, and every public row that points at
                  the tenant, found through the models' foreign keys), in Django's serialization format
  media/...       the company's uploaded files (MEDIA_ROOT/tenants/<id>/)

Restore works after the company was deleted, or on another server whose public schema is migrated (a fresh
install after `tenants_migrate`). It refuses when the schema, the tenant id or a domain is already taken, and a
failure part-way drops what it restored: nothing is left half done.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections import deque
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenant_apps.accounts.token_cache import auth_cache_invalidate
from tenants.db import connection
from tenants.models import Domain, Tenant
from tenants.routing import host_cache_forget
from tenants.schemas import applied_migrations, expected_migrations, schema_drop, schema_migrate

FORMAT = "atrium-tenant-backup/1"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- PostgreSQL client programs -----------------------------------------------------------------------------------


def _client_environment() -> tuple[list[str], dict[str, str]]:
    database = settings.DATABASES["default"]
    arguments = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", str(database["USER"])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return arguments, environment


def _run_client(program: str, arguments: list[str]) -> str:
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    connection_arguments, environment = _client_environment()
    result = subprocess.run(  # noqa: S603 - fixed program, arguments built here
        [binary, "--no-password", *connection_arguments, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


# --- public rows of a tenant --------------------------------------------------------------------------------------


def _public_only(model: type[models.Model]) -> bool:
    return model._meta.app_config.name not in settings.TENANT_APPS


def tenant_public_rows(tenant: Tenant) -> list[models.Model]:
    """The tenant row, then every public row that refers to it directly or through another such row."""
    rows: list[models.Model] = [tenant]
    queue: deque[tuple[type[models.Model], list[Any]]] = deque([(Tenant, [tenant.pk])])
    seen: set[type[models.Model]] = {Tenant}
    while queue:
        model, keys = queue.popleft()
        for relation in model._meta.related_objects:
            related = relation.related_model
            if not (relation.one_to_many or relation.one_to_one) or not isinstance(related, type):
                continue
            if related in seen or not _public_only(related) or related._meta.proxy:
                continue
            seen.add(related)
            found = list(related._default_manager.filter(**{f"{relation.field.name}__in": keys}).order_by("pk"))
            rows += found
            if found:
                queue.append((related, [row.pk for row in found]))
    return rows


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a restored row must equal the one backed up."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# --- backup -------------------------------------------------------------------------------------------------------


def _media_directory(tenant_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "tenants" / str(tenant_id)


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


def tenant_backup_write(*, tenant: Tenant, path: Path) -> dict[str, Any]:
    """Write the company's backup to `path` (replaced only once complete); return its manifest."""
    connection.set_schema_to_public()
    if not schema_exists(tenant.schema_name):
        raise BackupError(f"The schema {tenant.schema_name} does not exist; there is nothing to back up.")
    server_version = connection.pg_version
    applied = sorted(applied_migrations(tenant.schema_name) or ())
    rows = tenant_public_rows(tenant)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "schema_name": tenant.schema_name,
        "tenant_id": tenant.pk,
        "domains": sorted(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)),
        "migrations": [list(key) for key in applied],
        "created_at": timezone.now().isoformat(),
        "postgresql_server_version": server_version,
        "public_rows": len(rows),
    }
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="atrium-backup-") as scratch:
        dump = Path(scratch) / "schema.dump"
        _run_client(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--schema={tenant.schema_name}", f"--file={dump}"],
        )
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            _add_bytes(
                archive, "public.json", serializers.serialize("json", rows, indent=1, cls=_ExactJSONEncoder).encode()
            )
            archive.add(dump, arcname="schema.dump")
            media = _media_directory(tenant.pk)
            if media.is_dir():
                archive.add(media, arcname="media")
        partial.replace(path)
    return manifest


# --- restore ------------------------------------------------------------------------------------------------------


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"This is not an Atrium company backup: {name} is missing.")
    return handle.read()


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(archive, "manifest.json"))
    except ValueError as exc:
        raise BackupError(f"The backup's manifest is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def _refuse_if_taken(manifest: dict[str, Any]) -> None:
    schema_name = str(manifest["schema_name"])
    if schema_exists(schema_name):
        raise BackupError(f"The schema {schema_name} exists in this database; delete that company first.")
    if Tenant.objects.filter(pk=manifest["tenant_id"]).exists():
        raise BackupError(f"Another company already has the id {manifest['tenant_id']} in this database.")
    if Tenant.objects.filter(schema_name=schema_name).exists():
        raise BackupError(f"A company row already names the schema {schema_name}.")
    taken = sorted(Domain.objects.filter(domain__in=manifest["domains"]).values_list("domain", flat=True))
    if taken:
        raise BackupError(f"These domains belong to another company here: {', '.join(taken)}.")
    unknown = {tuple(key) for key in manifest["migrations"]} - expected_migrations()
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in sorted(unknown)[:5])
        raise BackupError(f"The backup comes from newer code (migrations {names}); upgrade Atrium first.")


def _sequences_reset(model_types: set[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_types))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _media_extract(archive: tarfile.TarFile, tenant_id: int) -> Path | None:
    members = [member for member in archive.getmembers() if member.name.startswith("media/")]
    if not members:
        return None
    target = _media_directory(tenant_id)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} already holds files; move them away first.")
    with tempfile.TemporaryDirectory(prefix="atrium-restore-media-") as scratch:
        archive.extractall(scratch, members=members, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(Path(scratch) / "media", target)
    return target


def tenant_backup_restore(*, path: Path) -> Tenant:
    """Restore a company from `path` into this database; BackupError (nothing changed) when it cannot."""
    connection.set_schema_to_public()
    try:
        archive = tarfile.open(path, "r")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {path}: {exc}") from exc
    with archive, tempfile.TemporaryDirectory(prefix="atrium-restore-") as scratch:
        manifest = _manifest(archive)
        public_rows = _member(archive, "public.json")
        dump = Path(scratch) / "schema.dump"
        dump.write_bytes(_member(archive, "schema.dump"))
        _refuse_if_taken(manifest)
        schema_name = str(manifest["schema_name"])
        media: Path | None = None
        try:
            _run_client("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", str(dump)])
            with transaction.atomic():
                loaded: set[type[models.Model]] = set()
                for item in serializers.deserialize("json", public_rows):
                    item.save()
                    loaded.add(type(item.object))
                _sequences_reset(loaded)
            media = _media_extract(archive, int(manifest["tenant_id"]))
        except BaseException:
            connection.set_schema_to_public()
            schema_drop(schema_name)
            Tenant.objects.filter(pk=manifest["tenant_id"], schema_name=schema_name).delete()
            if media is not None:
                shutil.rmtree(media, ignore_errors=True)
            raise
    if applied_migrations(schema_name) != expected_migrations():
        schema_migrate(schema_name)
    for hostname in manifest["domains"]:
        host_cache_forget(hostname)
    auth_cache_invalidate(schema_name)
    return Tenant.objects.get(pk=manifest["tenant_id"])


def tenant_by_subdomain_or_schema(name: str) -> Tenant | None:
    from tenants.subdomains import hostname_for, schema_name_for, subdomain_normalize

    subdomain = subdomain_normalize(name)
    return (
        Tenant.objects.filter(domains__domain=hostname_for(subdomain)).first()
        or Tenant.objects.filter(schema_name=schema_name_for(subdomain)).first()
    )

"""The tenant's mail blobs as a whole: recording a pack the sync wrote, and removing what no row of the tenant
refers to any more (after an account, folder or message is deleted).

A row refers to a blob through any field of a tenant model named `sha256` or ending in `_sha256` (raw
messages, attachments, and whatever else stores mail bytes this way). A PostgreSQL advisory lock per tenant
keeps a removal from racing a sync batch: batches hold it shared, the removal exclusively.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from tenant_apps.mail.models import MailBlob
from tenant_apps.mail.storage import BlobPack, mail_blob_root, pack_path
from tenants.db import connection

# A file younger than this may belong to a batch or an upload whose rows are not committed yet: never removed.
UNREFERENCED_GRACE_SECONDS = 3600
_HEX = frozenset("0123456789abcdef")


def _lock_blobs(*, exclusive: bool) -> None:
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtext(%s))", [f"mail-blobs:{connection.schema_name}"])


def blob_pack_record(*, pack: BlobPack) -> None:
    """Record where a pack's blobs lie; call in the transaction that stores the rows referring to them. A blob
    stored already keeps its place (the copy in this pack is never read)."""
    if not pack.entries:
        return
    _lock_blobs(exclusive=False)
    hashes = list(pack.entries)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MailBlob._meta.db_table} (sha256, pack, "offset", length)
            SELECT sha256, %s, "offset", length
            FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS new(sha256, "offset", length)
            ON CONFLICT (sha256) DO NOTHING
            """,  # noqa: S608 - the table name is ours
            [pack.name, hashes, [pack.entries[key][0] for key in hashes], [pack.entries[key][1] for key in hashes]],
        )


def blob_reference_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every tenant model field that names a blob by its SHA-256."""
    tenant_apps = set(settings.TENANT_APPS)
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        if model is MailBlob or model._meta.app_config.name not in tenant_apps:
            continue
        for model_field in model._meta.concrete_fields:
            if model_field.name == "sha256" or model_field.name.endswith("_sha256"):
                found.append((model, model_field.name))
    return found


def _referenced(hashes: list[str]) -> set[str]:
    in_use: set[str] = set()
    for model, name in blob_reference_fields():
        in_use.update(model._default_manager.filter(**{f"{name}__in": hashes}).values_list(name, flat=True))
    return in_use


def _chunks(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _old_enough(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime >= UNREFERENCED_GRACE_SECONDS
    except FileNotFoundError:
        return False


def _is_hex(name: str, length: int) -> bool:
    return len(name) == length and set(name) <= _HEX


def mail_blobs_unreferenced_remove() -> int:
    """Remove every blob of this tenant that no row refers to: pack entries, packs left without entries (or never
    recorded, from a cut sync), loose files. Returns how many blobs and packs went."""
    root = mail_blob_root(connection.schema_name)
    now = time.time()
    removed = 0
    with transaction.atomic():
        _lock_blobs(exclusive=True)
        packs_touched: set[str] = set()
        for hashes in _chunks(list(MailBlob.objects.values_list("sha256", flat=True))):
            doomed = sorted(set(hashes) - _referenced(hashes))
            if doomed:
                rows = MailBlob.objects.filter(sha256__in=doomed)
                packs_touched.update(rows.values_list("pack", flat=True))
                removed += rows.delete()[0]
        recorded = set(MailBlob.objects.values_list("pack", flat=True).distinct())
        loose = [path for path in _loose_files(root) if _old_enough(path, now)]
        loose_in_use = set()
        for names in _chunks([path.name for path in loose]):
            loose_in_use |= _referenced(names)
    for name in packs_touched - recorded:
        pack_path(root, name).unlink(missing_ok=True)
        removed += 1
    for path in _pack_files(root):
        if path.name not in recorded and path.name not in packs_touched and _old_enough(path, now):
            path.unlink(missing_ok=True)
            removed += 1
    for path in loose:
        if path.name not in loose_in_use:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _loose_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for shard in root.iterdir():
        if _is_hex(shard.name, 2) and shard.is_dir():
            yield from (path for path in shard.iterdir() if _is_hex(path.name, 64))


def _pack_files(root: Path) -> Iterator[Path]:
    packs = root / "packs"
    if not packs.is_dir():
        return
    for shard in packs.iterdir():
        if shard.is_dir():
            yield from (path for path in shard.iterdir() if _is_hex(path.name, 32))

"""Content-addressed files of a tenant's mail (raw messages, attachment bytes) under MEDIA_ROOT.

A blob is known by the SHA-256 of its bytes, so writing one twice (a retried or resumed sync) is harmless, and
the same attachment in many messages is stored once. Each tenant has its own directory, named by its schema.
A blob is either a loose file named by its hash, or a slice of a pack: the sync appends every blob of a batch
to one new pack file, because creating a file costs far more than writing its bytes (one file per batch
instead of one or more per message), and records where each blob lies in the tenant's `MailBlob` rows.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

HEAD_BYTES = 8192


def mail_blob_root(schema_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "tenants" / schema_name / "mail"


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def blob_write(root: Path, data: bytes) -> str:
    """Store `data` under root and return its SHA-256 (hex). Safe to call concurrently from several processes."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(root, digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def blob_open(root: Path, sha256: str) -> BinaryIO | None:
    """A blob for streaming (a loose file is not read into memory); None when it is not stored."""
    path = blob_path(root, sha256)
    if _is_sha256(sha256) and path.exists():
        return path.open("rb")
    data = blob_read(root, sha256)
    return io.BytesIO(data) if data is not None else None


def _is_sha256(value: str) -> bool:
    return len(value) == 64 and all(char in "0123456789abcdef" for char in value)


def blob_read(root: Path, sha256: str) -> bytes | None:
    """A blob of the tenant whose schema is current (root is its directory): a loose file, or a pack's slice."""
    if not _is_sha256(sha256):
        return None
    path = blob_path(root, sha256)
    if path.exists():
        return path.read_bytes()
    # Here, not at the top: worker processes import this module before Django is set up, and never read.
    from tenant_apps.mail.models import MailBlob

    located = MailBlob.objects.filter(sha256=sha256).values_list("pack", "offset", "length").first()
    return pack_read(root, *located) if located is not None else None


class BlobTooLarge(Exception):
    """The stream went past the limit given to blob_write_stream; nothing was kept."""


def blob_write_stream(root: Path, chunks: Iterable[bytes], *, limit: int) -> tuple[str, int, bytes]:
    """Store a stream without holding it in memory; returns (SHA-256, size, first 8 KiB). Raises BlobTooLarge
    as soon as more than `limit` bytes came, and then keeps nothing."""
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise BlobTooLarge(f"more than {limit} bytes")
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                stream.write(chunk)
        sha256 = digest.hexdigest()
        path = blob_path(root, sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256, size, head


@dataclass
class BlobPack:
    """Where each blob of one pack lies: sha256 -> (offset, length)."""

    name: str
    entries: dict[str, tuple[int, int]] = field(default_factory=dict)


def pack_path(root: Path, name: str) -> Path:
    return root / "packs" / name[:2] / name


class BlobPackWriter:
    """Appends blobs to one new pack file under root; `close()` makes it durable and returns its entries.

    The pack's name is new (random), so nothing reads it before its entries are recorded; a pack whose batch
    never got recorded (a cut sync) is referenced by nothing and is removed with the other unreferenced packs.
    """

    def __init__(self, root: Path) -> None:
        self.pack = BlobPack(name=uuid.uuid4().hex)
        self.path = pack_path(root, self.pack.name)
        self.offset = 0
        self.stream: BinaryIO | None = None

    def write(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.pack.entries:
            return digest
        if self.stream is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.stream = self.path.open("xb")
        self.stream.write(data)
        self.pack.entries[digest] = (self.offset, len(data))
        self.offset += len(data)
        return digest

    def close(self) -> BlobPack:
        if self.stream is not None:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            self.stream = None
        return self.pack


def pack_read(root: Path, name: str, offset: int, length: int) -> bytes | None:
    path = pack_path(root, name)
    if len(name) != 32 or not all(char in "0123456789abcdef" for char in name) or not path.exists():
        return None
    with path.open("rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    return data if len(data) == length else None

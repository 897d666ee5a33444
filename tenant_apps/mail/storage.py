"""Content-addressed files of a tenant's mail (raw messages, attachment bytes) under MEDIA_ROOT.

A file is named by the SHA-256 of its bytes, so writing one twice (a retried or resumed sync) is harmless, and
the same attachment in many messages is stored once. Each tenant has its own directory, named by its schema.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

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


def blob_read(root: Path, sha256: str) -> bytes | None:
    if len(sha256) != 64 or not all(char in "0123456789abcdef" for char in sha256):
        return None
    path = blob_path(root, sha256)
    return path.read_bytes() if path.exists() else None


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

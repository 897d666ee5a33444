"""Files uploaded for outgoing mail: streamed to the tenant's blob store under a size limit, their type told by
their first bytes (the name and the request's Content-Type are not trusted)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailUpload
from tenant_apps.mail.outbox.compose import MessageTooLarge
from tenant_apps.mail.storage import BlobTooLarge, blob_write_stream, mail_blob_root
from tenants.db import connection

MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"{\\rtf", "application/rtf"),
    (b"%!PS", "application/postscript"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
)
# Formats that are ZIP (or OLE) archives inside: the bytes say "archive", the name says which one.
CONTAINER_TYPES = {
    "application/zip": {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".odt": "application/vnd.oasis.opendocument.text",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
        ".epub": "application/epub+zip",
    },
    "application/x-ole-storage": {
        ".doc": "application/msword",
        ".xls": "application/vnd.ms-excel",
        ".ppt": "application/vnd.ms-powerpoint",
        ".msg": "application/vnd.ms-outlook",
    },
}
RIFF_TYPES = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
MAX_FILENAME_CHARS = 255
CHUNK_BYTES = 64 * 1024


def content_type_detect(head: bytes, filename: str) -> str:
    """The type the first bytes show; text that is HTML or SVG is named so (the download serves those as
    octet-stream); anything unknown is application/octet-stream."""
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
            return CONTAINER_TYPES.get(content_type, {}).get(extension, content_type)
    if head[:4] == b"RIFF" and head[8:12] in RIFF_TYPES:
        return RIFF_TYPES[head[8:12]]
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    return _text_type(head)


def _text_type(head: bytes) -> str:
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return "application/octet-stream"
        text = head[: exc.start].decode("utf-8")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body", "<script")):
        return "text/html"
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start):
        return "image/svg+xml"
    return "text/plain"


def filename_clean(filename: str) -> str:
    """No directories, no control characters, at most 255 characters, never empty."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        keep = extension[:16] if dot and len(extension) <= 16 else ""
        name = (stem if keep else name)[: MAX_FILENAME_CHARS - len(keep) - 1] + (f".{keep}" if keep else "")
    return name or "attachment"


def upload_store(
    *, actor: User, filename: str, chunks: Iterable[bytes], declared_size: int | None = None
) -> MailUpload:
    """Raises MessageTooLarge (nothing kept) when the file alone is over MAIL_SEND_SIZE_LIMIT_BYTES."""
    limit = int(settings.MAIL_SEND_SIZE_LIMIT_BYTES)
    if declared_size is not None and declared_size > limit:
        raise MessageTooLarge(limit, declared_size)
    try:
        sha256, size, head = blob_write_stream(mail_blob_root(connection.schema_name), chunks, limit=limit)
    except BlobTooLarge:
        raise MessageTooLarge(limit) from None
    name = filename_clean(filename)
    with transaction.atomic():
        return MailUpload.objects.create(
            owner=actor, filename=name, content_type=content_type_detect(head, name), size=size, sha256=sha256
        )

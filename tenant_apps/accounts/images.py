"""Recognizing uploaded images by their first bytes, never by the name or type the client claims."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageKind:
    extension: str
    content_type: str


PNG = ImageKind(".png", "image/png")
JPEG = ImageKind(".jpg", "image/jpeg")
WEBP = ImageKind(".webp", "image/webp")
KINDS_BY_EXTENSION = {kind.extension: kind for kind in (PNG, JPEG, WEBP)}


def image_kind(head: bytes) -> ImageKind | None:
    """PNG, JPEG or WebP from the first 12 bytes; None for anything else (SVG included: it can carry scripts)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text

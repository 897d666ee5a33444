"""Inline images (`<img src="cid:...">`) of a stored HTML body pointed at the message's own attachments."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from tenant_apps.mail.models import MailAttachment

# Types a browser may render from our host; anything else stays unresolved (and so is not shown).
INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# The sanitizer writes attributes with double quotes and the value HTML-escaped.
CID_SOURCE = re.compile(r'src="cid:([^"]*)"', re.IGNORECASE)


def attachment_url(attachment_id: int) -> str:
    return f"/api/mail/attachments/{attachment_id}"


def inline_images_resolve(sanitized_html: str, attachments: Iterable[MailAttachment]) -> str:
    """Each cid: reference to an image part of the message becomes that attachment's download address."""
    if "cid:" not in sanitized_html.lower():
        return sanitized_html
    by_content_id = {
        attachment.content_id.lower(): attachment.pk
        for attachment in attachments
        if attachment.content_id and attachment.content_type in INLINE_IMAGE_TYPES
    }

    def resolved(match: re.Match[str]) -> str:
        content_id = html.unescape(match.group(1)).strip().strip("<>").lower()
        attachment_id = by_content_id.get(content_id)
        return f'src="{attachment_url(attachment_id)}"' if attachment_id is not None else match.group(0)

    return CID_SOURCE.sub(resolved, sanitized_html)

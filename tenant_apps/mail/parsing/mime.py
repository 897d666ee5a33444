"""One raw message in, everything Atrium stores about it out; runs in worker processes, so no Django and no DB here.

Parsing uses the standard library (policy.default). A message that is broken in any way still yields a result:
each header and each part is read on its own, and what could not be read is listed in `problems`.
"""

from __future__ import annotations

import email
import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

from tenant_apps.mail.parsing.html import html_sanitize, html_to_text
from tenant_apps.mail.storage import blob_write

MAX_ID_CHARS = 998
MAX_ADDRESS_CHARS = 320
MAX_REFERENCES = 100
SNIPPET_CHARS = 200


class CachingEmailPolicy(policy.EmailPolicy):
    """policy.default, with the parsed form of short header values remembered.

    The parser and our reading of parts ask for Content-Type and friends many times per part, and policy.default
    parses the value again on every access: most of the parse time of a typical message. Parsed headers are
    immutable, so handing out the same object for the same (name, value) changes nothing but the speed.
    """

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        key = (name, value)
        cached = _parsed_headers.get(key)
        if cached is None:
            cached = super().header_fetch_parse(name, value)
            if len(value) <= CACHED_HEADER_MAX_CHARS:
                if len(_parsed_headers) >= CACHED_HEADERS_MAX:
                    _parsed_headers.clear()
                _parsed_headers[key] = cached
        return cached


CACHED_HEADER_MAX_CHARS = 200
CACHED_HEADERS_MAX = 20_000
_parsed_headers: dict[tuple[str, str], Any] = {}
MAIL_POLICY = CachingEmailPolicy()


@dataclass(frozen=True)
class Address:
    name: str
    address: str


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int
    content_id: str
    is_inline: bool
    sha256: str


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    bcc: list[Address] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    sent_at: datetime | None = None
    text_body: str = ""
    html_body: str = ""
    has_remote_images: bool = False
    snippet: str = ""
    attachments: list[AttachmentInfo] = field(default_factory=list)
    raw_sha256: str = ""
    truncated: bool = False
    problems: list[str] = field(default_factory=list)


def clean_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; lone surrogates (from 8-bit headers) cannot be encoded."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value.encode("utf-8", "replace").decode("utf-8")


def _header_text(message: Message, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
        if value is None:
            return ""
        return clean_text(" ".join(str(value).split()))
    except Exception as exc:  # noqa: BLE001 - a broken header must not lose the message
        problems.append(f"{name}: {exc}")
    try:
        raw = message.get_all(name, failobj=[])[0]
        return clean_text(" ".join(str(make_header(decode_header(str(raw)))).split()))
    except Exception:  # noqa: BLE001
        return ""


def _raw_header(message: Message, name: str) -> str:
    """The header as sent (no structured parsing): for ids and dates, which policy.default parses strictly."""
    try:
        values = message.get_all(name, failobj=[])
    except Exception:  # noqa: BLE001
        return ""
    if not values:
        return ""
    value: Any = values[0]
    text = getattr(value, "_parse_tree", None)
    return clean_text(str(text if text is not None else value))


def _message_ids(text: str) -> list[str]:
    ids: list[str] = []
    for token in text.replace(",", " ").split():
        token = token.strip()
        if token.startswith("<") and token.endswith(">") and len(token) > 2:
            ids.append(token[1:-1][:MAX_ID_CHARS])
    if not ids and text.strip():
        ids.append(text.strip().strip("<>")[:MAX_ID_CHARS])
    return ids


def _addresses(message: Message, name: str, problems: list[str]) -> list[Address]:
    try:
        header: Any = message.get(name)
        if header is None:
            return []
        found = [
            Address(clean_text(item.display_name or ""), clean_text(item.addr_spec or "").lower()[:MAX_ADDRESS_CHARS])
            for item in header.addresses
        ]
        return [item for item in found if item.address or item.name]
    except Exception as exc:  # noqa: BLE001
        problems.append(f"{name}: {exc}")
    try:
        raw = [str(value) for value in message.get_all(name, failobj=[])]
        return [
            Address(clean_text(display), clean_text(address).lower()[:MAX_ADDRESS_CHARS])
            for display, address in email.utils.getaddresses(raw)
            if address or display
        ]
    except Exception:  # noqa: BLE001
        return []


def _date(message: Message, problems: list[str]) -> datetime | None:
    raw = _raw_header(message, "date")
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except Exception:  # noqa: BLE001 - unparseable dates are common in real mail
        problems.append(f"date: cannot read {raw[:80]!r}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1970 <= parsed.year <= 9999:
        problems.append(f"date: out of range {raw[:80]!r}")
        return None
    return parsed


def _part_text(part: Message, problems: list[str]) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
        if isinstance(content, str):
            return clean_text(content)
    except Exception as exc:  # noqa: BLE001 - unknown charset, broken transfer encoding, ...
        problems.append(f"text part: {exc}")
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return clean_text(payload.decode("utf-8", "replace"))
    return ""


def _attachment_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return bytes(inner[0].as_bytes(policy=policy.SMTP))
            except Exception:  # noqa: BLE001
                return str(inner[0]).encode("utf-8", "replace")
        return b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    return clean_text(name or "")[:1000]


def _walk(
    part: Message, result: ParsedMessage, blob_root: Path | None, text_parts: list[str], html_parts: list[str]
) -> None:
    content_type = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    if part.is_multipart() and content_type != "message/rfc822":
        children = part.get_payload()
        if isinstance(children, list):
            for child in children:
                if isinstance(child, Message):
                    _walk(child, result, blob_root, text_parts, html_parts)
        return
    filename = _filename(part)
    is_body_text = content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename
    if is_body_text:
        text = _part_text(part, result.problems)
        (text_parts if content_type == "text/plain" else html_parts).append(text)
        return
    data = _attachment_bytes(part)
    content_id = clean_text(str(part.get("content-id", "") or "")).strip().strip("<>")[:MAX_ID_CHARS]
    sha256 = blob_write(blob_root, data) if blob_root is not None else ""
    if not filename and content_type == "message/rfc822":
        filename = "message.eml"
    result.attachments.append(
        AttachmentInfo(
            filename=filename,
            content_type=content_type[:255],
            size=len(data),
            content_id=content_id,
            is_inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
            sha256=sha256,
        )
    )


def _headers(message: Message, result: ParsedMessage) -> None:
    problems = result.problems
    ids = _message_ids(_raw_header(message, "message-id"))
    result.message_id = ids[0] if ids else ""
    reply_ids = _message_ids(_raw_header(message, "in-reply-to"))
    result.in_reply_to = reply_ids[0] if reply_ids else ""
    result.references = _message_ids(_raw_header(message, "references"))[-MAX_REFERENCES:]
    result.subject = _header_text(message, "subject", problems)
    senders = _addresses(message, "from", problems)
    result.sender = senders[0] if senders else None
    result.to = _addresses(message, "to", problems)
    result.cc = _addresses(message, "cc", problems)
    result.bcc = _addresses(message, "bcc", problems)
    result.reply_to = _addresses(message, "reply-to", problems)
    result.sent_at = _date(message, problems)


def message_parse(raw: bytes, *, blob_root: Path | None, truncated: bool = False) -> ParsedMessage:
    """Parse `raw` (the whole message, or only its header when `truncated`); store raw and attachments in blob_root.

    Never raises for bad input: the worst message still gives its raw bytes and whatever headers could be read.
    """
    result = ParsedMessage(truncated=truncated)
    try:
        result.raw_sha256 = blob_write(blob_root, raw) if blob_root is not None else ""
        message = email.message_from_bytes(raw, policy=MAIL_POLICY)
        _headers(message, result)
        if truncated:
            return result
        text_parts: list[str] = []
        html_parts: list[str] = []
        _walk(message, result, blob_root, text_parts, html_parts)
        result.text_body = "\n\n".join(part for part in text_parts if part)
        if html_parts:
            sanitized = html_sanitize("\n".join(html_parts))
            result.html_body = sanitized.html
            result.has_remote_images = sanitized.has_remote_images
            if not result.text_body:
                result.text_body = html_to_text(result.html_body)
        result.snippet = " ".join(result.text_body[: SNIPPET_CHARS * 4].split())[:SNIPPET_CHARS]
        for defect in getattr(message, "defects", [])[:5]:
            result.problems.append(f"defect: {type(defect).__name__}")
    except Exception as exc:  # noqa: BLE001 - hostile MIME must never stop a sync
        result.problems.append(f"parse: {type(exc).__name__}: {exc}")
    return result


def messages_parse(batch: list[tuple[bytes, bool]], blob_root: str | None) -> list[ParsedMessage]:
    """Parse many in one call: what a worker process runs, so pickling is paid per batch, not per message."""
    root = Path(blob_root) if blob_root else None
    return [message_parse(raw, blob_root=root, truncated=truncated) for raw, truncated in batch]

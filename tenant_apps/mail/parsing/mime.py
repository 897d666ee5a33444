"""One raw message in, everything Atrium stores about it out; runs in worker processes, so no Django and no DB here.

Parsing uses the standard library (policy.default). A message that is broken in any way still yields a result:
each header and each part is read on its own, and what could not be read is listed in `problems`.
"""

from __future__ import annotations

import binascii
import email
import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from functools import partial
from pathlib import Path
from typing import Any

from tenant_apps.mail.parsing.html import html_sanitize, html_to_text
from tenant_apps.mail.storage import BlobPack, BlobPackWriter, blob_write

MAX_ID_CHARS = 998
MAX_ADDRESS_CHARS = 320
MAX_REFERENCES = 100
SNIPPET_CHARS = 200
# Stores bytes somewhere (a loose file, a pack) and returns their SHA-256.
BlobStore = Callable[[bytes], str]


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


HEADER_END = re.compile(rb"\r?\n\r?\n")
_header_parser = BytesParser(policy=MAIL_POLICY)


def _split_head(raw: bytes) -> tuple[bytes, bytes] | None:
    """Header block and body; None when there is no blank line (the full parser then decides what it is)."""
    if raw.startswith((b"\r\n", b"\n")):
        return b"", raw[2 if raw.startswith(b"\r\n") else 1 :]
    match = HEADER_END.search(raw)
    if match is None:
        return None
    return raw[: match.start()], raw[match.end() :]


def _fast_parse(raw: bytes, depth: int = 0) -> EmailMessage | None:
    """The same message object email.message_from_bytes(raw, policy) gives, for well-formed MIME, built faster.

    The standard parser walks every body line in Python, including every line of a base64 attachment. Here
    email parses each header block; multipart bodies are cut at their boundaries with one regex over bytes,
    and each leaf keeps its body as the payload, exactly as the feed parser would store it (decoding, charsets
    and content access are email's own). Anything unusual (no boundary, a missing close delimiter, a nested
    message, deep nesting) returns None and the caller uses the standard parser instead.
    """
    if depth > 8:
        return None
    parts = _split_head(raw)
    if parts is None:
        return None
    head, body = parts
    message = _header_parser.parsebytes(head + b"\r\n\r\n", headersonly=True)
    if not isinstance(message, EmailMessage) or message.defects:
        return None
    maintype = message.get_content_maintype()
    if maintype == "message":
        return None
    if maintype != "multipart":
        message.set_payload(body.decode("ascii", "surrogateescape"))
        return message
    boundary = message.get_boundary()
    if not boundary:
        return None
    delimiters = _delimiters(body, b"--" + boundary.encode("ascii", "replace"))
    if len(delimiters) < 2 or not delimiters[-1][2] or any(closing for _, _, closing in delimiters[:-1]):
        return None
    children: list[EmailMessage] = []
    for current, following in zip(delimiters, delimiters[1:], strict=False):
        child = _fast_parse(body[current[1] : following[0]], depth + 1)
        if child is None:
            return None
        children.append(child)
    preamble = body[: delimiters[0][0]]
    message.preamble = preamble.decode("ascii", "surrogateescape") if preamble else None
    message.set_payload(children)  # type: ignore[arg-type]
    epilogue_start = delimiters[-1][1]
    # The feed parser keeps the line break after the close delimiter out of the epilogue, like ours.
    message.epilogue = body[epilogue_start:].decode("ascii", "surrogateescape") or None
    return message


def _delimiters(body: bytes, marker: bytes) -> list[tuple[int, int, bool]]:
    """(start, end, is_close) of each boundary line: start includes the line break before it (RFC 2046: it
    belongs to the delimiter), end is just past the line break after it. Found with bytes.find, not per line."""
    found: list[tuple[int, int, bool]] = []
    index = body.find(marker)
    while index != -1:
        if index == 0 or body[index - 1] == 0x0A:
            after = index + len(marker)
            closing = body.startswith(b"--", after)
            if closing:
                after += 2
            line_end = body.find(b"\n", after)
            line_end = len(body) if line_end == -1 else line_end
            if not body[after:line_end].strip(b" \t\r"):
                if index >= 2 and body[index - 2 : index] == b"\r\n":
                    start = index - 2
                elif index >= 1:
                    start = index - 1
                else:
                    start = 0
                found.append((start, min(line_end + 1, len(body)), closing))
                if closing:
                    break
                index = line_end
        index = body.find(marker, index + 1)
    return found


def mime_parse(raw: bytes, *, fast: bool = True) -> EmailMessage:
    """The message as email (policy.default, with the header cache) reads it."""
    if fast:
        try:
            quick = _fast_parse(raw)
        except Exception:  # noqa: BLE001 - the standard parser handles whatever this one does not
            quick = None
        if quick is not None:
            return quick
    message = email.message_from_bytes(raw, policy=MAIL_POLICY)
    if not isinstance(message, EmailMessage):
        raise TypeError("policy.default parsing gives an EmailMessage")
    return message


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
    """The header as sent, unfolded, without structured parsing: for ids and dates, which policy.default would
    parse strictly (and slowly) only for us to read the text back."""
    wanted = name.lower()
    try:
        for header_name, value in message.raw_items():
            if header_name.lower() == wanted:
                return clean_text(" ".join(str(value).split()))
    except Exception:  # noqa: BLE001
        return ""
    return ""


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
    quick = _base64_decoded(part)
    if quick is not None:
        return quick
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _base64_decoded(part: Message) -> bytes | None:
    """A well-formed base64 body decoded in two C passes; None for anything else (then email decodes it).

    email splits the body into lines and joins them before decoding: for the attachments of the bench a third of
    the decoding time. Where email's first attempt succeeds (only the alphabet once line breaks are gone, whole
    quads) this gives the same bytes; every other case, with its defects, is left to email.
    """
    if str(part.get("content-transfer-encoding", "")).lower() != "base64":
        return None
    payload = part.get_payload()
    if not isinstance(payload, str):
        return None
    try:
        encoded = payload.encode("ascii").translate(None, b"\r\n")
    except UnicodeEncodeError:
        return None
    if len(encoded) % 4:
        return None
    try:
        return binascii.a2b_base64(encoded, strict_mode=True)
    except binascii.Error:
        return None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    return clean_text(name or "")[:1000]


def _walk(
    part: Message, result: ParsedMessage, store: BlobStore | None, text_parts: list[str], html_parts: list[str]
) -> None:
    content_type = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    if part.is_multipart() and content_type != "message/rfc822":
        children = part.get_payload()
        if isinstance(children, list):
            for child in children:
                if isinstance(child, Message):
                    _walk(child, result, store, text_parts, html_parts)
        return
    filename = _filename(part)
    is_body_text = content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename
    if is_body_text:
        text = _part_text(part, result.problems)
        (text_parts if content_type == "text/plain" else html_parts).append(text)
        return
    data = _attachment_bytes(part)
    content_id = clean_text(str(part.get("content-id", "") or "")).strip().strip("<>")[:MAX_ID_CHARS]
    sha256 = store(data) if store is not None else ""
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


def message_parse(
    raw: bytes,
    *,
    blob_root: Path | None,
    truncated: bool = False,
    fast: bool = True,
    store: BlobStore | None = None,
) -> ParsedMessage:
    """Parse `raw` (the whole message, or only its header when `truncated`); store raw and attachments with
    `store`, or as loose files in blob_root.

    Never raises for bad input: the worst message still gives its raw bytes and whatever headers could be read.
    """
    result = ParsedMessage(truncated=truncated)
    if store is None and blob_root is not None:
        store = partial(blob_write, blob_root)
    try:
        result.raw_sha256 = store(raw) if store is not None else ""
        message = mime_parse(raw, fast=fast)
        _headers(message, result)
        if truncated:
            return result
        text_parts: list[str] = []
        html_parts: list[str] = []
        _walk(message, result, store, text_parts, html_parts)
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


def messages_parse_packed(batch: list[tuple[bytes, bool]], blob_root: str) -> tuple[list[ParsedMessage], BlobPack]:
    """Parse many, their raw bytes and attachments appended to one new pack in blob_root (what the sync runs)."""
    writer = BlobPackWriter(Path(blob_root))
    try:
        parsed = [
            message_parse(raw, blob_root=None, truncated=truncated, store=writer.write) for raw, truncated in batch
        ]
    finally:
        pack = writer.close()
    return parsed, pack

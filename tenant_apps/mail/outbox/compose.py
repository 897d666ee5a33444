"""What a user composes, checked and completed: recipients parsed (the bad one named), header injection refused,
and replies and forwards derived from the stored message (subject, quoting, threading headers, attachments).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import ComposeMode, MailAccount, MailMessage, MailUpload

MAX_REFERENCES = 20


class MessageTooLarge(Exception):
    """The attachments of one message are over MAIL_SEND_SIZE_LIMIT_BYTES."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        told = f" (these are {size} bytes)" if size is not None else ""
        super().__init__(f"The attachments of one message may be at most {limit} bytes in all{told}.")
        self.limit = limit


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address}


def recipient_parse(text: str) -> Recipient:
    """`Ann Example <ann@example.org>` or `ann@example.org`; ValueError says what is wrong with it."""
    if any(char in text for char in "\r\n\x00"):
        raise ValueError(f"{text.strip()!r} contains a line break.")
    parsed = getaddresses([text])
    if len(parsed) != 1 or not parsed[0][1]:
        raise ValueError(f"{text!r} is not one email address.")
    name, address = parsed[0]
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"{text.strip()!r} is not a valid email address.") from None
    return Recipient(address=address, name=name.strip())


def recipients_from_json(items: list[dict[str, str]]) -> list[Recipient]:
    return [Recipient(address=item["address"], name=item.get("name", "")) for item in items]


@dataclass(frozen=True)
class ComposeInput:
    to: list[Recipient] = field(default_factory=list)
    cc: list[Recipient] = field(default_factory=list)
    bcc: list[Recipient] = field(default_factory=list)
    subject: str = ""
    text_body: str = ""
    html_body: str = ""
    mode: str = ComposeMode.NEW
    source_message: MailMessage | None = None
    attachment_ids: list[int] = field(default_factory=list)
    quote: bool = True
    # Recipients left out of a reply are filled from the message answered.
    recipients_given: bool = False


@dataclass
class Composition:
    """A checked composition, ready to be stored as an outbox item or a draft."""

    to: list[Recipient]
    cc: list[Recipient]
    bcc: list[Recipient]
    subject: str
    text_body: str
    html_body: str
    mode: str
    source_message: MailMessage | None
    in_reply_to: str
    references: list[str]
    uploads: list[MailUpload]


def _prefixed(subject: str, prefix: str) -> str:
    if subject.lower().startswith(prefix.lower()):
        return subject
    return f"{prefix} {subject}".strip()


def _who(message: MailMessage) -> str:
    return f"{message.from_name} <{message.from_address}>" if message.from_name else message.from_address


def _quoted_text(source: MailMessage, mode: str) -> str:
    if mode == ComposeMode.FORWARD:
        to = ", ".join(item.get("address", "") for item in source.to)
        return (
            "\n\n---------- Forwarded message ----------\n"
            f"From: {_who(source)}\nDate: {source.sent_at or source.internal_date}\nSubject: {source.subject}\n"
            f"To: {to}\n\n{source.text_body}"
        )
    quoted = "\n".join(f"> {line}" if line else ">" for line in source.text_body.splitlines())
    return f"\n\nOn {source.sent_at or source.internal_date}, {_who(source)} wrote:\n{quoted}\n"


def _quoted_html(source: MailMessage, mode: str) -> str:
    # The stored HTML body is sanitized already (remote images blocked); plain text is escaped.
    original = source.html_body or f"<pre>{html.escape(source.text_body)}</pre>"
    heading = html.escape(
        f"Forwarded message from {_who(source)}" if mode == ComposeMode.FORWARD else f"{_who(source)} wrote:"
    )
    return f'<br><div>{heading}</div><blockquote type="cite">{original}</blockquote>'


def _reply_recipients(source: MailMessage, account: MailAccount, mode: str) -> tuple[list[Recipient], list[Recipient]]:
    own = account.email_address.lower()
    seen = {own}

    def fresh(items: list[dict[str, str]]) -> list[Recipient]:
        kept = []
        for item in recipients_from_json(items):
            if item.address.lower() not in seen:
                seen.add(item.address.lower())
                kept.append(item)
        return kept

    author = source.reply_to or [{"name": source.from_name, "address": source.from_address}]
    to = fresh(author)
    if mode != ComposeMode.REPLY_ALL:
        return to, []
    return to + fresh(source.to), fresh(source.cc)


def _forwarded_uploads(actor: User, source: MailMessage) -> list[MailUpload]:
    """The source's attachments as uploads of the actor: the same stored bytes, nothing copied."""
    return [
        MailUpload.objects.create(
            owner=actor,
            filename=attachment.filename[:255] or f"attachment-{attachment.pk}",
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
        )
        for attachment in source.attachments.all()
    ]


def _uploads(actor: User, ids: list[int]) -> list[MailUpload]:
    uploads = {upload.pk: upload for upload in MailUpload.objects.filter(pk__in=ids, owner=actor)}
    missing = [str(upload_id) for upload_id in ids if upload_id not in uploads]
    if missing:
        raise ValidationError({"attachments": [f"No upload of yours has the id {', '.join(missing)}."]})
    return [uploads[upload_id] for upload_id in dict.fromkeys(ids)]


def size_check(uploads: list[MailUpload]) -> None:
    total = sum(upload.size for upload in uploads)
    if total > settings.MAIL_SEND_SIZE_LIMIT_BYTES:
        raise MessageTooLarge(settings.MAIL_SEND_SIZE_LIMIT_BYTES, total)


def composition_make(*, actor: User, account: MailAccount, data: ComposeInput) -> Composition:
    """Checks and completes what was composed; raises ValidationError or MessageTooLarge and writes nothing
    except, for a forward, the upload rows of the carried attachments (inside the caller's transaction)."""
    if any(char in data.subject for char in "\r\n\x00"):
        raise ValidationError({"subject": ["The subject may not contain line breaks."]})
    source = data.source_message
    if data.mode != ComposeMode.NEW and source is None:
        raise ValidationError({"source_message": ["A reply or forward needs the message it answers."]})
    uploads = _uploads(actor, data.attachment_ids)
    composition = Composition(
        to=data.to,
        cc=data.cc,
        bcc=data.bcc,
        subject=data.subject,
        text_body=data.text_body,
        html_body=data.html_body,
        mode=data.mode,
        source_message=source,
        in_reply_to="",
        references=[],
        uploads=uploads,
    )
    if source is not None and data.mode != ComposeMode.NEW:
        _derive(composition, actor=actor, account=account, source=source, data=data)
    size_check(composition.uploads)
    return composition


def _derive(
    composition: Composition, *, actor: User, account: MailAccount, source: MailMessage, data: ComposeInput
) -> None:
    if data.mode == ComposeMode.FORWARD:
        composition.subject = data.subject or _prefixed(source.subject, "Fwd:")
        composition.uploads += _forwarded_uploads(actor, source)
    else:
        composition.subject = data.subject or _prefixed(source.subject, "Re:")
        if not data.recipients_given:
            composition.to, composition.cc = _reply_recipients(source, account, data.mode)
    if source.message_id:
        earlier = source.references or ([source.in_reply_to] if source.in_reply_to else [])
        composition.in_reply_to = source.message_id
        composition.references = [*earlier, source.message_id][-MAX_REFERENCES:]
    if data.quote:
        composition.text_body = data.text_body + _quoted_text(source, data.mode)
        if data.html_body or source.html_body:
            start = data.html_body or f"<div>{html.escape(data.text_body)}</div>"
            composition.html_body = start + _quoted_html(source, data.mode)

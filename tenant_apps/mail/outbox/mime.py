"""Building the bytes of an outgoing message with the standard library's email package (CRLF, RFC 2047).

Bcc is never a header of what is delivered; the Sent copy gets it back (the sender should see whom they
blind-copied, and a draft keeps it): `with_bcc` puts it in front of the delivered bytes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from tenant_apps.mail.outbox.compose import Recipient


@dataclass(frozen=True)
class AttachmentBytes:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MessageParts:
    sender: Recipient
    to: list[Recipient]
    cc: list[Recipient]
    subject: str
    text_body: str
    html_body: str
    message_id: str
    date: datetime
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[AttachmentBytes] = field(default_factory=list)


def message_id_make(sender_address: str) -> str:
    """A new Message-ID (without the angle brackets, as stored), in the sender's domain."""
    domain = sender_address.rpartition("@")[2] or "atrium.invalid"
    return f"{uuid.uuid4().hex}@{domain}"


def _address(recipient: Recipient) -> Address:
    return Address(display_name=recipient.name, addr_spec=recipient.address)


def message_build(parts: MessageParts) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(parts.sender)
    if parts.to:
        message["To"] = [_address(item) for item in parts.to]
    if parts.cc:
        message["Cc"] = [_address(item) for item in parts.cc]
    message["Subject"] = parts.subject
    message["Date"] = format_datetime(parts.date)
    message["Message-ID"] = f"<{parts.message_id}>"
    if parts.in_reply_to:
        message["In-Reply-To"] = f"<{parts.in_reply_to}>"
    if parts.references:
        message["References"] = " ".join(f"<{reference}>" for reference in parts.references)
    message["MIME-Version"] = "1.0"
    if parts.text_body or not parts.html_body:
        message.set_content(parts.text_body)
        if parts.html_body:
            message.add_alternative(parts.html_body, subtype="html")
    else:
        message.set_content(parts.html_body, subtype="html")
    for attachment in parts.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message.as_bytes()


def with_bcc(raw: bytes, bcc: list[Recipient]) -> bytes:
    if not bcc:
        return raw
    header = EmailMessage(policy=policy.SMTP)
    header["Bcc"] = [_address(item) for item in bcc]
    return header.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n" + raw

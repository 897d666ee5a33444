"""The bytes of a composition (an outbox item or a draft revision), attachments read from the blob store."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from tenant_apps.mail.models import MailAccount, MailDraft, MailOutgoing
from tenant_apps.mail.outbox.compose import Composition, Recipient, recipients_from_json
from tenant_apps.mail.outbox.mime import AttachmentBytes, MessageParts, message_build
from tenant_apps.mail.storage import blob_read, mail_blob_root
from tenants.db import connection


def composition_bytes(composition: Composition, *, account: MailAccount, message_id: str, date: datetime) -> bytes:
    root = mail_blob_root(connection.schema_name)
    attachments = []
    for upload in composition.uploads:
        data = blob_read(root, upload.sha256)
        if data is None:
            raise ValidationError({"attachments": [f"The bytes of {upload.filename!r} are no longer stored."]})
        attachments.append(AttachmentBytes(upload.filename, upload.content_type, data))
    parts = MessageParts(
        sender=Recipient(address=account.email_address, name=account.name),
        to=composition.to,
        cc=composition.cc,
        subject=composition.subject,
        text_body=composition.text_body,
        html_body=composition.html_body,
        message_id=message_id,
        date=date,
        in_reply_to=composition.in_reply_to,
        references=composition.references,
        attachments=attachments,
    )
    return message_build(parts)


def composition_of(row: MailDraft | MailOutgoing) -> Composition:
    """A stored composition as it was checked when saved."""
    return Composition(
        to=recipients_from_json(row.to),
        cc=recipients_from_json(row.cc),
        bcc=recipients_from_json(row.bcc),
        subject=row.subject,
        text_body=row.text_body,
        html_body=row.html_body,
        mode=row.mode,
        source_message=row.source_message,
        in_reply_to=row.in_reply_to,
        references=list(row.references),
        uploads=list(row.attachments.all()),
    )

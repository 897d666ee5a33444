"""Shapes of the outbox, drafts, uploads and send preferences API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.mail.models import ComposeMode, MailDraft, MailOutgoing, MailSendPreferences, MailUpload
from tenant_apps.mail.outbox.compose import Recipient, recipient_parse

MAX_RECIPIENTS = 500
MAX_BODY_CHARS = 5_000_000


class RecipientListField(serializers.ListField):
    """A list of `Name <address>` or `address` strings; each bad one is named by its position."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.CharField(max_length=998, trim_whitespace=False),
            max_length=MAX_RECIPIENTS,
            required=False,
            default=list,
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> list[Recipient]:
        texts = super().to_internal_value(data)
        errors: dict[str, list[str]] = {}
        parsed = []
        for index, text in enumerate(texts):
            try:
                parsed.append(recipient_parse(text))
            except ValueError as exc:
                errors[str(index)] = [str(exc)]
        if errors:
            raise serializers.ValidationError(errors)
        return parsed


class RecipientSerializer(serializers.Serializer[None]):
    name = serializers.CharField()
    address = serializers.CharField()


class ComposeSerializer(serializers.Serializer[None]):
    to = RecipientListField()
    cc = RecipientListField()
    bcc = RecipientListField()
    subject = serializers.CharField(max_length=998, allow_blank=True, required=False, default="")
    text_body = serializers.CharField(
        max_length=MAX_BODY_CHARS, allow_blank=True, required=False, default="", trim_whitespace=False
    )
    html_body = serializers.CharField(
        max_length=MAX_BODY_CHARS, allow_blank=True, required=False, default="", trim_whitespace=False
    )
    mode = serializers.ChoiceField(choices=ComposeMode.choices, required=False, default=ComposeMode.NEW)
    source_message = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)
    attachments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=100, required=False, default=list
    )
    quote = serializers.BooleanField(required=False, default=True)


class OutboxCreateSerializer(ComposeSerializer):
    send_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OutboxRetrySerializer(serializers.Serializer[None]):
    confirm_resend = serializers.BooleanField(required=False, default=False)


class MailUploadSerializer(serializers.ModelSerializer[MailUpload]):
    class Meta:
        model = MailUpload
        fields = ["id", "filename", "content_type", "size", "created_at"]
        read_only_fields = fields


class CompositionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    account = serializers.IntegerField(source="account_id")
    to = RecipientSerializer(many=True)
    cc = RecipientSerializer(many=True)
    bcc = RecipientSerializer(many=True)
    subject = serializers.CharField()
    text_body = serializers.CharField()
    html_body = serializers.CharField()
    mode = serializers.ChoiceField(choices=ComposeMode.choices)
    source_message = serializers.IntegerField(source="source_message_id", allow_null=True)
    in_reply_to = serializers.CharField()
    references = serializers.ListField(child=serializers.CharField())
    attachments = MailUploadSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class MailOutgoingSerializer(CompositionOutputSerializer):
    status = serializers.CharField()
    message_id = serializers.CharField()
    send_at = serializers.DateTimeField()
    undo_until = serializers.DateTimeField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(help_text="The server's words when the last attempt failed.")
    delivery_uncertain = serializers.BooleanField(
        help_text="The send was cut while the server had the message: it may have been delivered."
    )
    sent_at = serializers.DateTimeField(allow_null=True)
    sent_copy_error = serializers.CharField()

    class Meta:
        model = MailOutgoing


class MailDraftSerializer(CompositionOutputSerializer):
    revision = serializers.IntegerField()
    server_revision = serializers.IntegerField(help_text="The revision now in the server's Drafts folder.")
    server_error = serializers.CharField()

    class Meta:
        model = MailDraft


class MailSendPreferencesSerializer(serializers.ModelSerializer[MailSendPreferences]):
    undo_send_seconds = serializers.IntegerField(min_value=0, max_value=60)

    class Meta:
        model = MailSendPreferences
        fields = ["undo_send_seconds"]


class DraftSendSerializer(serializers.Serializer[None]):
    send_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

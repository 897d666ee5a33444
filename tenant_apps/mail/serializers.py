"""Shapes of the mail API. The password goes in, never out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.mail.models import MailAccount, MailAttachment, MailFolder, MailMessage, MailThread, Security
from tenant_apps.mail.oauth.providers import PROVIDER_KEYS
from tenant_apps.mail.parsing.inline import inline_images_resolve
from tenant_apps.mail.presets import PROVIDER_CHOICES

HOST_PATTERN = r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"


class MailAccountCreateSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=120)
    email_address = serializers.EmailField(max_length=254)
    provider = serializers.ChoiceField(choices=PROVIDER_CHOICES, default="custom")
    username = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, write_only=True, trim_whitespace=False)
    imap_host = serializers.RegexField(HOST_PATTERN, max_length=253, required=False, default="")
    imap_port = serializers.IntegerField(min_value=1, max_value=65535, required=False, allow_null=True, default=None)
    imap_security = serializers.ChoiceField(choices=Security.choices, required=False, default="")
    smtp_host = serializers.RegexField(HOST_PATTERN, max_length=253, required=False, default="")
    smtp_port = serializers.IntegerField(min_value=1, max_value=65535, required=False, allow_null=True, default=None)
    smtp_security = serializers.ChoiceField(choices=Security.choices, required=False, default="")


class MailAccountUpdateSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=120, required=False)
    password = serializers.CharField(max_length=1024, write_only=True, required=False, trim_whitespace=False)
    is_active = serializers.BooleanField(required=False)


class MailAccountShareSerializer(serializers.Serializer[None]):
    user_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=500, allow_empty=True
    )


class MailSyncProgressSerializer(serializers.Serializer[None]):
    state = serializers.CharField(source="sync_state")
    folders_total = serializers.IntegerField(source="sync_folders_total")
    folders_done = serializers.IntegerField(source="sync_folders_done")
    messages_total = serializers.IntegerField(source="sync_messages_total")
    messages_done = serializers.IntegerField(source="sync_messages_done")
    last_synced_at = serializers.DateTimeField(allow_null=True)


class MailAccountSerializer(serializers.ModelSerializer[MailAccount]):
    sync = MailSyncProgressSerializer(source="*", read_only=True)
    shared_with = serializers.PrimaryKeyRelatedField[Any](many=True, read_only=True)

    class Meta:
        model = MailAccount
        fields = [
            "id",
            "owner",
            "shared_with",
            "name",
            "email_address",
            "provider",
            "imap_host",
            "imap_port",
            "imap_security",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "username",
            "auth_method",
            "is_active",
            "status",
            "status_message",
            "status_changed_at",
            "sync",
            "created_at",
        ]
        read_only_fields = fields


class MailFolderSerializer(serializers.ModelSerializer[MailFolder]):
    unread_count = serializers.IntegerField(read_only=True)
    total_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MailFolder
        fields = ["id", "name", "role", "delimiter", "unread_count", "total_count", "last_synced_at", "gmail_label"]
        read_only_fields = fields


class MailAddressSerializer(serializers.Serializer[None]):
    name = serializers.CharField()
    address = serializers.CharField()


class MailMessageSerializer(serializers.ModelSerializer[MailMessage]):
    to = MailAddressSerializer(many=True, read_only=True)
    cc = MailAddressSerializer(many=True, read_only=True)

    class Meta:
        model = MailMessage
        fields = [
            "id",
            "account",
            "folder",
            "thread",
            "uid",
            "message_id",
            "subject",
            "from_name",
            "from_address",
            "to",
            "cc",
            "sent_at",
            "internal_date",
            "size",
            "flags",
            "is_read",
            "is_flagged",
            "has_attachments",
            "snippet",
            "truncated",
            "labels",
        ]
        read_only_fields = fields


class MailAttachmentSerializer(serializers.ModelSerializer[MailAttachment]):
    class Meta:
        model = MailAttachment
        fields = ["id", "filename", "content_type", "size", "content_id", "is_inline"]
        read_only_fields = fields


class MailMessageDetailSerializer(MailMessageSerializer):
    bcc = MailAddressSerializer(many=True, read_only=True)
    reply_to = MailAddressSerializer(many=True, read_only=True)
    attachments = MailAttachmentSerializer(many=True, read_only=True)
    html_body = serializers.SerializerMethodField()

    class Meta(MailMessageSerializer.Meta):
        fields = [
            *MailMessageSerializer.Meta.fields,
            "bcc",
            "reply_to",
            "in_reply_to",
            "references",
            "text_body",
            "html_body",
            "has_remote_images",
            "attachments",
            "parse_problems",
        ]
        read_only_fields = fields

    def get_html_body(self, message: MailMessage) -> str:
        override = self.context.get("html_body")
        html = str(override) if override is not None else message.html_body
        return inline_images_resolve(html, message.attachments.all())


class MailMessageFlagsSerializer(serializers.Serializer[None]):
    is_read = serializers.BooleanField(required=False)
    is_flagged = serializers.BooleanField(required=False)


class MailThreadSerializer(serializers.ModelSerializer[MailThread]):
    class Meta:
        model = MailThread
        fields = ["id", "account", "subject", "message_count", "last_message_at"]
        read_only_fields = fields


class MailMessageListQuerySerializer(serializers.Serializer[None]):
    folder = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    thread = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)
    flagged = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_attachments = serializers.BooleanField(required=False, allow_null=True, default=None)
    sender = serializers.CharField(max_length=320, required=False, default="")
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    q = serializers.CharField(max_length=500, required=False, default="")


class MailPresetSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    imap_host = serializers.CharField()
    imap_port = serializers.IntegerField()
    imap_security = serializers.CharField()
    smtp_host = serializers.CharField()
    smtp_port = serializers.IntegerField()
    smtp_security = serializers.CharField()


def _label_valid(label: str) -> None:
    if not label.strip() or any(ord(character) < 0x20 or ord(character) == 0x7F for character in label):
        raise serializers.ValidationError("A label needs visible text and no control characters.")
    if label.startswith("\\") and label not in GMAIL_SETTABLE_SYSTEM_LABELS:
        raise serializers.ValidationError(
            f"{label} cannot be set here; use {', '.join(sorted(GMAIL_SETTABLE_SYSTEM_LABELS))} or a label of your own."
        )
    if label.startswith("[Gmail]"):
        raise serializers.ValidationError("Names under [Gmail] belong to Gmail.")


# Gmail's system labels a user sets by hand; Sent, Draft, Trash, Spam and Starred follow from other actions.
GMAIL_SETTABLE_SYSTEM_LABELS = {"\\Inbox", "\\Important"}


def _labels_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=225, trim_whitespace=False, validators=[_label_valid]),
        max_length=50,
        required=False,
        default=list,
    )


class MailMessageLabelsSerializer(serializers.Serializer[None]):
    add = _labels_field()
    remove = _labels_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["add"] and not attrs["remove"]:
            raise serializers.ValidationError("Name at least one label to add or remove.")
        both = set(attrs["add"]) & set(attrs["remove"])
        if both:
            raise serializers.ValidationError({"remove": [f"Added and removed at once: {', '.join(sorted(both))}."]})
        return attrs


class MailOAuthProviderSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class MailOAuthConnectSerializer(serializers.Serializer[None]):
    provider = serializers.ChoiceField(choices=list(PROVIDER_KEYS))
    email_address = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=120, required=False, default="")


class MailOAuthAuthorizeSerializer(serializers.Serializer[Any]):
    authorize_url = serializers.URLField()


class MailOAuthCallbackQuerySerializer(serializers.Serializer[None]):
    state = serializers.CharField(max_length=2000)
    code = serializers.CharField(max_length=4000, required=False, default="")
    error = serializers.CharField(max_length=200, required=False, default="")
    error_description = serializers.CharField(max_length=1000, required=False, default="")

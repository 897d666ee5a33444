"""Shapes of the mail actions API: an action on a selection (ids or the message list's filters), its job, folders."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.mail.actions import KEYWORD_ACTIONS, KEYWORD_RULE, Action, keyword_valid
from tenant_apps.mail.models import MailActionJob
from tenant_apps.mail.selectors import MessageFilters
from tenant_apps.mail.serializers import MailMessageListQuerySerializer

MAX_OBJECT_ID = 2**63 - 1
MAX_SELECTED_IDS = 10_000


def message_filters(data: dict[str, Any]) -> MessageFilters:
    """The message list's filters from validated MailMessageListQuerySerializer data."""
    return MessageFilters(
        folder_id=data.get("folder"),
        thread_id=data.get("thread"),
        unread=data.get("unread"),
        flagged=data.get("flagged"),
        has_attachments=data.get("has_attachments"),
        sender=data.get("sender", ""),
        since=data.get("since"),
        until=data.get("until"),
        query=data.get("q", ""),
    )


class MailActionSerializer(serializers.Serializer[None]):
    action = serializers.ChoiceField(choices=Action.choices)
    message_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_OBJECT_ID),
        max_length=MAX_SELECTED_IDS,
        allow_empty=False,
        required=False,
    )
    # The same filters as the message list: act on everything the list would show.
    filter = MailMessageListQuerySerializer(required=False)
    folder = serializers.IntegerField(min_value=1, max_value=MAX_OBJECT_ID, required=False)
    # Optional (no default, so the schema does not list it as required); only the keyword actions take one.
    keyword = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"For keyword_add and keyword_remove only: {KEYWORD_RULE}",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("message_ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError({"message_ids": ["Give either message_ids or filter, not both."]})
        keyword = attrs.get("keyword", "")
        if attrs["action"] in KEYWORD_ACTIONS and not keyword:
            raise serializers.ValidationError({"keyword": [f"Give the keyword to add or remove. {KEYWORD_RULE}"]})
        if attrs["action"] in KEYWORD_ACTIONS and not keyword_valid(keyword):
            raise serializers.ValidationError({"keyword": [f"{keyword[:100]!r} is not a keyword. {KEYWORD_RULE}"]})
        if attrs["action"] not in KEYWORD_ACTIONS and keyword:
            raise serializers.ValidationError({"keyword": ["Only keyword_add and keyword_remove take a keyword."]})
        attrs["keyword"] = keyword
        return attrs


class MailActionJobSerializer(serializers.ModelSerializer[MailActionJob]):
    class Meta:
        model = MailActionJob
        fields = [
            "id",
            "account",
            "action",
            "target_folder",
            "keyword",
            "state",
            "total",
            "done",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class MailFolderCreateSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=1000, trim_whitespace=False)
    parent_id = serializers.IntegerField(min_value=1, max_value=MAX_OBJECT_ID, required=False, allow_null=True)


class MailFolderRenameSerializer(serializers.Serializer[None]):
    name = serializers.CharField(max_length=1000, trim_whitespace=False)


class MailTrashEmptiedSerializer(serializers.Serializer[Any]):
    deleted = serializers.IntegerField()

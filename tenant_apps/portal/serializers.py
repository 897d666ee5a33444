"""Shapes of the portal API: the dashboard's figures, search results and their query parameters."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.portal.search import SEARCH_LIMIT_MAX, SEARCH_QUERY_MAX_LENGTH


class MailDaySerializer(serializers.Serializer[None]):
    day = serializers.DateField()
    received = serializers.IntegerField()
    sent = serializers.IntegerField()


class AccountHealthSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email_address = serializers.EmailField()
    unread = serializers.IntegerField()
    status = serializers.CharField(help_text="ok, auth_failed, unreachable, tls_error or protocol_error")
    status_message = serializers.CharField(help_text="What the mail server said, in its own words")
    sync_state = serializers.CharField()
    last_synced_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.IntegerField(allow_null=True, help_text="Seconds since the last finished sync")


class DashboardSerializer(serializers.Serializer[Any]):
    timezone = serializers.CharField()
    days = MailDaySerializer(many=True)
    accounts = AccountHealthSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer[None]):
    q = serializers.CharField(max_length=SEARCH_QUERY_MAX_LENGTH)
    limit = serializers.IntegerField(min_value=1, max_value=SEARCH_LIMIT_MAX, default=8)

    def validate_q(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("The search text cannot contain NUL characters.")
        return value


class PersonHitSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()


class MessageHitSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    account_id = serializers.IntegerField()
    subject = serializers.CharField()
    from_name = serializers.CharField()
    from_address = serializers.CharField()
    snippet = serializers.CharField()
    internal_date = serializers.DateTimeField()


class SearchResultsSerializer(serializers.Serializer[Any]):
    people = PersonHitSerializer(many=True)
    messages = MessageHitSerializer(many=True)


class NotificationSerializer(serializers.Serializer[None]):
    key = serializers.CharField(help_text="Stable for the same event; a list key")
    kind = serializers.ChoiceField(choices=["new_mail", "account_problem", "send_failed", "billing"])
    title = serializers.CharField()
    body = serializers.CharField()
    href = serializers.CharField(help_text="Where in the app to deal with it")
    at = serializers.DateTimeField()
    unread = serializers.BooleanField()


class NotificationsSerializer(serializers.Serializer[Any]):
    unread_count = serializers.IntegerField()
    mail_unread = serializers.IntegerField(help_text="Unread received messages in the mailboxes I read")
    items = NotificationSerializer(many=True)

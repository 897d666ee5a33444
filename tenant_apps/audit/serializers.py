"""What the audit API reads from a query string and what it answers with (never any secret)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenant_apps.accounts.services import MAX_OBJECT_ID
from tenant_apps.audit.models import AuditAction, AuditEvent


class AuditEventQuerySerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=AuditAction.choices, required=False, help_text="One action of the catalogue"
    )
    actor = serializers.IntegerField(
        min_value=1, max_value=MAX_OBJECT_ID, required=False, help_text="Only what this user did (user id)"
    )
    since = serializers.DateTimeField(required=False, help_text="At or after this moment (ISO 8601)")
    until = serializers.DateTimeField(required=False, help_text="Before this moment (ISO 8601)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since >= until:
            raise serializers.ValidationError({"until": ["'until' must be later than 'since'."]})
        return attrs


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "at",
            "actor_id",
            "actor_email",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "ip",
            "user_agent",
            "request_id",
            "details",
        )
        read_only_fields = fields

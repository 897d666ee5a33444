"""Shapes of the admin console's mail accounts: an account with who owns it. The password never goes out."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.mail.serializers import MailAccountSerializer


class MailAccountAdminSerializer(MailAccountSerializer):
    owner_email = serializers.EmailField(source="owner.email", read_only=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)

    class Meta(MailAccountSerializer.Meta):
        fields = [*MailAccountSerializer.Meta.fields, "owner_email", "owner_name"]
        read_only_fields = fields

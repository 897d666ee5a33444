from __future__ import annotations

from rest_framework import serializers


class PlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    max_users = serializers.IntegerField(allow_null=True)
    max_mail_accounts = serializers.IntegerField(allow_null=True)
    max_storage_mb = serializers.IntegerField(allow_null=True)
    max_contacts = serializers.IntegerField(allow_null=True)
    monthly_price_cents = serializers.IntegerField()
    currency = serializers.CharField()
    trial_days = serializers.IntegerField()
    purchasable = serializers.BooleanField()


class BillingUsageSerializer(serializers.Serializer):
    users = serializers.IntegerField()


class BillingStateSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="False when the installation has no Stripe keys: unlimited plan")
    plan = PlanSerializer(allow_null=True, help_text="None: unlimited")
    status = serializers.CharField(help_text="trialing, active, past_due, canceled, unpaid or incomplete")
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    read_only = serializers.BooleanField()  # type: ignore[assignment]
    read_only_reason = serializers.CharField()
    payment_overdue_banner = serializers.BooleanField()
    grace_ends_at = serializers.DateTimeField(allow_null=True)
    usage = BillingUsageSerializer()


class CheckoutRequestSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=50)


class RedirectSerializer(serializers.Serializer):
    url = serializers.URLField()


class WebhookResultSerializer(serializers.Serializer):
    result = serializers.CharField()

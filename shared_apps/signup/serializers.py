from __future__ import annotations

from rest_framework import serializers


class SignupSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=100)
    subdomain = serializers.CharField(max_length=63)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=200, trim_whitespace=False, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    plan = serializers.SlugField(max_length=50, required=False, allow_blank=True, default="")


class SignupCreatedSerializer(serializers.Serializer):
    message = serializers.CharField()
    subdomain = serializers.CharField()
    hostname = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class VerifiedSerializer(serializers.Serializer):
    company_url = serializers.URLField()
    login_url = serializers.CharField(help_text="Send the browser here; the company's host redeems the token")
    login_token = serializers.CharField()
    login_token_expires_at = serializers.DateTimeField()


class ResendSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ResendAcceptedSerializer(serializers.Serializer):
    message = serializers.CharField()

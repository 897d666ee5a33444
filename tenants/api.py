"""Public-host API of the tenancy layer: may this subdomain be used for a new company?"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.ratelimit import RateLimitExceeded, rate_limit_hit
from tenant_apps.accounts.exceptions import RateLimited
from tenant_apps.accounts.ratelimit import client_ip
from tenants.provisioning import subdomain_availability
from tenants.subdomains import hostname_for


class SubdomainQuerySerializer(serializers.Serializer):
    subdomain = serializers.CharField(max_length=253, trim_whitespace=True)


class SubdomainAvailabilitySerializer(serializers.Serializer):
    subdomain = serializers.CharField()
    hostname = serializers.CharField(allow_null=True)
    available = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class SubdomainAvailabilityView(APIView):
    """Answers the signup form as the user types; the same rules are applied again at signup."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="subdomain_availability",
        parameters=[OpenApiParameter("subdomain", str, required=True, description="The wanted subdomain")],
        responses={200: SubdomainAvailabilitySerializer},
        summary="Check whether a subdomain can be used for a new company (429 when asked too often)",
    )
    def get(self, request: Request) -> Response:
        try:
            rate_limit_hit(
                action="subdomain-check",
                subject=client_ip(request._request),
                limit=int(settings.SUBDOMAIN_CHECK_RATE_LIMIT_PER_MINUTE),
                window_seconds=60,
            )
        except RateLimitExceeded as exc:
            raise RateLimited(
                wait=exc.retry_after_seconds, detail="Too many availability checks; please wait a moment."
            ) from None
        query = SubdomainQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        normalized, errors = subdomain_availability(subdomain=query.validated_data["subdomain"])
        reasons = errors.get("subdomain", [])
        body = {
            "subdomain": normalized,
            "hostname": None if reasons else hostname_for(normalized),
            "available": not reasons,
            "reasons": reasons,
        }
        return Response(SubdomainAvailabilitySerializer(body).data)

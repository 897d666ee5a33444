"""Company-host API for the company's own domains (/api/domains): list, add, verify, remove; owners and admins."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.accounts.permissions import IsTenantAdmin
from tenant_apps.accounts.serializers import InputSerializer, StrictCharField
from tenant_apps.accounts.services import MAX_OBJECT_ID
from tenants import custom_domains
from tenants.models import CustomDomain, Domain, Tenant

ADMIN = [IsAuthenticated, IsTenantAdmin]


class DnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    value = serializers.CharField()


class CustomDomainSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    dns_records = serializers.SerializerMethodField()

    class Meta:
        model = CustomDomain
        fields = ["id", "hostname", "status", "dns_records", "created_at", "verified_at"]
        read_only_fields = fields

    def get_status(self, custom_domain: CustomDomain) -> str:
        return "verified" if custom_domain.verified_at else "pending"

    @extend_schema(responses=DnsRecordSerializer(many=True))
    def get_dns_records(self, custom_domain: CustomDomain) -> list[dict[str, str]]:
        """What the company publishes: the TXT proof, and the CNAME that brings visitors here."""
        primary = Domain.objects.filter(tenant_id=custom_domain.tenant_id, is_primary=True).first()
        records = [
            {
                "type": "TXT",
                "name": custom_domains.challenge_name(custom_domain.hostname),
                "value": custom_domains.challenge_value(custom_domain),
            }
        ]
        if primary is not None:
            records.append({"type": "CNAME", "name": custom_domain.hostname, "value": primary.domain})
        return records


class CustomDomainCreateSerializer(InputSerializer):
    hostname = StrictCharField(max_length=300)


def _tenant(request: Request) -> Tenant:
    tenant = getattr(request._request, "tenant", None)
    if tenant is None:
        raise NotFound()
    return tenant


def _object_id(value: int) -> int:
    if value > MAX_OBJECT_ID:
        raise NotFound("No such domain.")
    return value


class CustomDomainListView(GenericAPIView):
    permission_classes = ADMIN
    serializer_class = CustomDomainSerializer

    @extend_schema(tags=["domains"], responses=CustomDomainSerializer(many=True), summary="The company's own domains")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(custom_domains.custom_domain_list(tenant=_tenant(request)))
        return self.get_paginated_response(CustomDomainSerializer(page, many=True).data)

    @extend_schema(
        tags=["domains"],
        request=CustomDomainCreateSerializer,
        responses={201: CustomDomainSerializer},
        summary="Add a domain of the company's own; it routes here once verified (409 when another company has it)",
    )
    def post(self, request: Request) -> Response:
        serializer = CustomDomainCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = custom_domains.custom_domain_add(tenant=_tenant(request), **serializer.validated_data)
        return Response(CustomDomainSerializer(added).data, status=status.HTTP_201_CREATED)


class CustomDomainDetailView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=["domains"], responses={204: None}, summary="Remove a domain; it stops routing at once")
    def delete(self, request: Request, domain_id: int) -> Response:
        custom_domains.custom_domain_remove(tenant=_tenant(request), custom_domain_id=_object_id(domain_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomDomainVerifyView(APIView):
    permission_classes = ADMIN

    @extend_schema(
        tags=["domains"],
        request=None,
        responses={200: CustomDomainSerializer},
        summary="Check the domain's DNS TXT record; when it holds the token the domain routes to the company",
    )
    def post(self, request: Request, domain_id: int) -> Response:
        verified = custom_domains.custom_domain_verify(tenant=_tenant(request), custom_domain_id=_object_id(domain_id))
        return Response(CustomDomainSerializer(verified).data)

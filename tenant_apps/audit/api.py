"""HTTP endpoint of the audit log under /api/ on a company's host: owners and admins read it, nobody writes it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenant_apps.accounts.models import User
from tenant_apps.accounts.permissions import IsTenantAdmin
from tenant_apps.audit.selectors import AuditEventFilters, audit_event_list
from tenant_apps.audit.serializers import AuditEventQuerySerializer, AuditEventSerializer


class AuditEventListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsTenantAdmin]
    serializer_class = AuditEventSerializer

    @extend_schema(
        tags=["audit"],
        parameters=[AuditEventQuerySerializer],
        responses=AuditEventSerializer(many=True),
        summary="The company's audit log, newest first (owners and admins)",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise NotAuthenticated()
        query = AuditEventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = AuditEventFilters(
            action=values.get("action"),
            actor_id=values.get("actor"),
            since=values.get("since"),
            until=values.get("until"),
        )
        page = self.paginate_queryset(audit_event_list(actor=user, filters=filters))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)

"""HTTP endpoints of the portal under /api/ on a company's host: the dashboard, search and notifications."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.accounts.permissions import request_actor as _actor
from tenant_apps.accounts.selectors import tenant_brand_get
from tenant_apps.portal.dashboard import dashboard_get
from tenant_apps.portal.notifications import notification_list
from tenant_apps.portal.search import portal_search
from tenant_apps.portal.serializers import (
    DashboardSerializer,
    NotificationsSerializer,
    SearchQuerySerializer,
    SearchResultsSerializer,
)
from tenant_apps.portal.services import notifications_mark_seen


def _tenant_id(request: Request) -> int:
    tenant = getattr(request._request, "tenant", None)
    if tenant is None:
        raise NotFound()
    return int(tenant.pk)


def _tenant_timezone(request: Request) -> str:
    # Read fresh: the row cached for host routing may be minutes older than a time zone just changed.
    return tenant_brand_get(tenant_id=_tenant_id(request)).timezone


class DashboardView(APIView):
    @extend_schema(
        tags=["portal"],
        responses=DashboardSerializer,
        summary="Home dashboard: mail received and sent per day (30 days, company time zone), unread and sync "
        "health per account",
    )
    def get(self, request: Request) -> Response:
        dashboard = dashboard_get(actor=_actor(request), timezone_name=_tenant_timezone(request))
        return Response(DashboardSerializer(dashboard).data)


class SearchView(APIView):
    @extend_schema(
        tags=["portal"],
        parameters=[SearchQuerySerializer],
        responses=SearchResultsSerializer,
        summary="Search people (owners and admins only) and the mail I may read; words match as prefixes",
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = portal_search(
            actor=_actor(request), text=query.validated_data["q"], limit=query.validated_data["limit"]
        )
        return Response(SearchResultsSerializer(results).data)


class NotificationListView(APIView):
    @extend_schema(
        tags=["portal"],
        responses=NotificationsSerializer,
        summary="My notifications: new mail, mailbox problems, failed sends, billing state; poll it",
    )
    def get(self, request: Request) -> Response:
        notifications = notification_list(actor=_actor(request), tenant_id=_tenant_id(request), now=timezone.now())
        return Response(NotificationsSerializer(notifications).data)


class NotificationSeenView(APIView):
    @extend_schema(tags=["portal"], request=None, responses={204: None}, summary="Mark all my notifications as seen")
    def post(self, request: Request) -> Response:
        notifications_mark_seen(actor=_actor(request), now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)

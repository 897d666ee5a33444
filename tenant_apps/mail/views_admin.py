"""The tenant admin console's mail accounts under /api/mail/admin/: owners and admins list every account of the
company, re-test its stored credentials, share it with colleagues or delete it, whoever connected it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.pagination import IdCursorPagination
from tenant_apps.accounts.permissions import IsTenantAdmin
from tenant_apps.mail import services
from tenant_apps.mail.api import MAX_OBJECT_ID, _actor
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.selectors_admin import mail_account_admin_get, mail_account_admin_list
from tenant_apps.mail.serializers import MailAccountShareSerializer
from tenant_apps.mail.serializers_admin import MailAccountAdminSerializer

ADMIN = [IsAuthenticated, IsTenantAdmin]


def _account(request: Request, account_id: int) -> MailAccount:
    if account_id > MAX_OBJECT_ID:
        raise NotFound("No such mail account.")
    return mail_account_admin_get(actor=_actor(request), account_id=account_id)


def _present(request: Request, account: MailAccount) -> Response:
    # Read again: the services change status and sharing behind the instance (and its prefetched sharing) we hold.
    return Response(MailAccountAdminSerializer(_account(request, account.pk)).data)


class AdminAccountListView(GenericAPIView[MailAccount]):
    permission_classes = ADMIN
    serializer_class = MailAccountAdminSerializer
    pagination_class = IdCursorPagination

    @extend_schema(
        tags=["mail admin"],
        responses=MailAccountAdminSerializer(many=True),
        summary="Every mail account of the company, newest first (owners and admins)",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(mail_account_admin_list(actor=_actor(request)))
        return self.get_paginated_response(MailAccountAdminSerializer(page, many=True).data)


class AdminAccountDetailView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=["mail admin"], responses={204: None}, summary="Remove any account and its synced mail")
    def delete(self, request: Request, account_id: int) -> Response:
        services.mail_account_delete(actor=_actor(request), account=_account(request, account_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AdminAccountTestView(APIView):
    permission_classes = ADMIN

    @extend_schema(
        tags=["mail admin"],
        request=None,
        responses=MailAccountAdminSerializer,
        summary="Check any account's stored credentials now; the result is its status and the server's words",
    )
    def post(self, request: Request, account_id: int) -> Response:
        account = services.mail_account_test(actor=_actor(request), account=_account(request, account_id))
        return _present(request, account)


class AdminAccountShareView(APIView):
    permission_classes = ADMIN

    @extend_schema(
        tags=["mail admin"],
        request=MailAccountShareSerializer,
        responses=MailAccountAdminSerializer,
        summary="Who else reads any account of the company",
    )
    def put(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        serializer = MailAccountShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.mail_account_share(
            actor=_actor(request), account=account, user_ids=serializer.validated_data["user_ids"]
        )
        return _present(request, account)

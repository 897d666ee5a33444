"""HTTP endpoints of the mail app under /api/mail/: parse, call one service or selector, present the result."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.pagination import CheckedCursorPagination
from tenant_apps.accounts.permissions import request_actor as _actor
from tenant_apps.mail import selectors, services
from tenant_apps.mail.exceptions import CredentialsRefusedError, MailServerUnavailable
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.models import MailAccount, MailMessage
from tenant_apps.mail.parsing.html import html_sanitize
from tenant_apps.mail.parsing.mime import message_parse
from tenant_apps.mail.presets import PRESETS
from tenant_apps.mail.serializers import (
    MailAccountCreateSerializer,
    MailAccountSerializer,
    MailAccountShareSerializer,
    MailAccountUpdateSerializer,
    MailAttachmentSerializer,
    MailFolderSerializer,
    MailMessageDetailSerializer,
    MailMessageFlagsSerializer,
    MailMessageListQuerySerializer,
    MailMessageSerializer,
    MailPresetSerializer,
    MailThreadSerializer,
)
from tenant_apps.mail.serializers_actions import message_filters
from tenant_apps.mail.storage import blob_read, mail_blob_root
from tenants.db import connection

MAX_OBJECT_ID = 2**63 - 1
# Attachment types a browser may be told as they are; anything else (HTML, SVG, ...) is sent as octet-stream.
SAFE_DOWNLOAD_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}


class MessageCursorPagination(CheckedCursorPagination):
    ordering = ("-internal_date", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ThreadCursorPagination(CheckedCursorPagination):
    ordering = ("-last_message_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _account(request: Request, account_id: int) -> MailAccount:
    if account_id > MAX_OBJECT_ID:
        raise NotFound()
    account = selectors.mail_account_get(actor=_actor(request), account_id=account_id)
    if account is None:
        raise NotFound()
    return account


def _message(request: Request, message_id: int) -> MailMessage:
    if message_id > MAX_OBJECT_ID:
        raise NotFound()
    message = selectors.mail_message_get(actor=_actor(request), message_id=message_id)
    if message is None:
        raise NotFound()
    return message


def _refused(refused: services.CredentialsRefused) -> CredentialsRefusedError:
    return CredentialsRefusedError(detail=refused.problem.message, code=f"credentials_refused_{refused.problem.status}")


class PresetListView(APIView):
    @extend_schema(responses=MailPresetSerializer(many=True), summary="Server settings of the known providers")
    def get(self, request: Request) -> Response:
        return Response(MailPresetSerializer([preset.__dict__ for preset in PRESETS.values()], many=True).data)


class AccountListView(APIView):
    @extend_schema(responses=MailAccountSerializer(many=True), summary="Mail accounts I own or that are shared with me")
    def get(self, request: Request) -> Response:
        accounts = selectors.mail_account_list(actor=_actor(request)).prefetch_related("shared_with")
        return Response(MailAccountSerializer(accounts, many=True).data)

    @extend_schema(
        request=MailAccountCreateSerializer,
        responses={201: MailAccountSerializer},
        summary="Add a mail account; IMAP login and SMTP AUTH are checked first",
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        serializer = MailAccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            account = services.mail_account_create(actor=actor, data=services.AccountInput(**serializer.validated_data))
        except services.CredentialsRefused as refused:
            raise _refused(refused) from None
        return Response(MailAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class AccountDetailView(APIView):
    @extend_schema(responses=MailAccountSerializer, summary="One mail account, with its sync progress")
    def get(self, request: Request, account_id: int) -> Response:
        return Response(MailAccountSerializer(_account(request, account_id)).data)

    @extend_schema(
        request=MailAccountUpdateSerializer, responses=MailAccountSerializer, summary="Rename, pause, new password"
    )
    def patch(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        serializer = MailAccountUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            account = services.mail_account_update(actor=_actor(request), account=account, **serializer.validated_data)
        except services.CredentialsRefused as refused:
            raise _refused(refused) from None
        return Response(MailAccountSerializer(account).data)

    @extend_schema(responses={204: None}, summary="Remove the account and everything synced from it")
    def delete(self, request: Request, account_id: int) -> Response:
        services.mail_account_delete(actor=_actor(request), account=_account(request, account_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountTestView(APIView):
    @extend_schema(request=None, responses=MailAccountSerializer, summary="Check the stored credentials now")
    def post(self, request: Request, account_id: int) -> Response:
        account = services.mail_account_test(actor=_actor(request), account=_account(request, account_id))
        return Response(MailAccountSerializer(account).data)


class AccountSyncView(APIView):
    @extend_schema(request=None, responses={202: MailAccountSerializer}, summary="Sync this account now")
    def post(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        services.mail_sync_request(actor=_actor(request), account=account)
        return Response(MailAccountSerializer(account).data, status=status.HTTP_202_ACCEPTED)


class AccountShareView(APIView):
    @extend_schema(
        request=MailAccountShareSerializer, responses=MailAccountSerializer, summary="Who else reads this account"
    )
    def put(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        serializer = MailAccountShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.mail_account_share(
            actor=_actor(request), account=account, user_ids=serializer.validated_data["user_ids"]
        )
        return Response(MailAccountSerializer(account).data)


class FolderListView(APIView):
    @extend_schema(responses=MailFolderSerializer(many=True), summary="Folders of an account with unread counts")
    def get(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        return Response(
            MailFolderSerializer(selectors.mail_folder_list(actor=_actor(request), account=account), many=True).data
        )


class MessageListView(GenericAPIView[MailMessage]):
    serializer_class = MailMessageSerializer
    pagination_class = MessageCursorPagination

    @extend_schema(
        parameters=[MailMessageListQuerySerializer],
        responses=MailMessageSerializer(many=True),
        summary="Messages of an account: filters and search",
    )
    def get(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        query = MailMessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = message_filters(query.validated_data)
        messages = selectors.mail_message_list(actor=_actor(request), account=account, filters=filters)
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(MailMessageSerializer(page, many=True).data)


class ThreadListView(GenericAPIView[Any]):
    serializer_class = MailThreadSerializer
    pagination_class = ThreadCursorPagination

    @extend_schema(responses=MailThreadSerializer(many=True), summary="Conversations of an account, latest first")
    def get(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        page = self.paginate_queryset(selectors.mail_thread_list(actor=_actor(request), account=account))
        return self.get_paginated_response(MailThreadSerializer(page, many=True).data)


class MessageDetailView(APIView):
    @extend_schema(
        responses=MailMessageDetailSerializer,
        parameters=[OpenApiParameter("remote_images", OpenApiTypes.BOOL, OpenApiParameter.QUERY, required=False)],
        summary="One message with its sanitized HTML (remote images only with remote_images=true)",
    )
    def get(self, request: Request, message_id: int) -> Response:
        message = _message(request, message_id)
        context: dict[str, Any] = {}
        if request.query_params.get("remote_images") == "true" and message.has_remote_images:
            context["html_body"] = _html_with_remote_images(message)
        return Response(MailMessageDetailSerializer(message, context=context).data)

    @extend_schema(
        request=MailMessageFlagsSerializer,
        responses=MailMessageDetailSerializer,
        summary="Mark read/unread, flag/unflag (written to the mail server first)",
    )
    def patch(self, request: Request, message_id: int) -> Response:
        message = _message(request, message_id)
        serializer = MailMessageFlagsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            message = services.message_flags_set(
                actor=_actor(request),
                message=message,
                read=serializer.validated_data.get("is_read"),
                flagged=serializer.validated_data.get("is_flagged"),
            )
        except MailServerError as problem:
            raise MailServerUnavailable(detail=problem.message) from None
        return Response(MailMessageDetailSerializer(message).data)


def _html_with_remote_images(message: MailMessage) -> str:
    raw = blob_read(mail_blob_root(connection.schema_name), message.raw_sha256)
    if raw is None:
        return message.html_body
    parsed = message_parse(raw, blob_root=None)
    if not parsed.html_body:
        return message.html_body
    # Parsing sanitized with remote images blocked; the original HTML is sanitized again, allowing them.
    import email
    from email import policy

    source = email.message_from_bytes(raw, policy=policy.default)
    html_part: Any = source.get_body(preferencelist=("html",))
    try:
        html_text = html_part.get_content() if html_part is not None else ""
    except Exception:  # noqa: BLE001
        return message.html_body
    return html_sanitize(str(html_text), allow_remote_images=True).html


class MessageRawView(APIView):
    @extend_schema(responses={(200, "message/rfc822"): OpenApiResponse(OpenApiTypes.BINARY)}, summary="Raw message")
    def get(self, request: Request, message_id: int) -> HttpResponse:
        message = _message(request, message_id)
        raw = blob_read(mail_blob_root(connection.schema_name), message.raw_sha256)
        if raw is None:
            raise NotFound("The raw message is not stored.")
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentListView(APIView):
    @extend_schema(responses=MailAttachmentSerializer(many=True), summary="Attachments of a message")
    def get(self, request: Request, message_id: int) -> Response:
        return Response(MailAttachmentSerializer(_message(request, message_id).attachments.all(), many=True).data)


class AttachmentDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, attachment_id: int) -> HttpResponse:
        if attachment_id > MAX_OBJECT_ID:
            raise NotFound()
        attachment = selectors.mail_attachment_get(actor=_actor(request), attachment_id=attachment_id)
        if attachment is None:
            raise NotFound()
        data = blob_read(mail_blob_root(connection.schema_name), attachment.sha256)
        if data is None:
            raise NotFound("The attachment is not stored.")
        content_type = (
            attachment.content_type if attachment.content_type in SAFE_DOWNLOAD_TYPES else "application/octet-stream"
        )
        response = HttpResponse(data, content_type=content_type)
        filename = (
            (attachment.filename or f"attachment-{attachment.pk}").replace('"', "").replace("\r", "").replace("\n", "")
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


__all__ = ["PermissionDenied"]

"""HTTP endpoints of sending under /api/mail/: outbox (queue, undo, retry), uploads, send preferences."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.pagination import CheckedCursorPagination
from tenant_apps.accounts.models import User
from tenant_apps.mail import selectors
from tenant_apps.mail.api import MAX_OBJECT_ID, SAFE_DOWNLOAD_TYPES, _account, _actor
from tenant_apps.mail.models import MailOutgoing, MailSendPreferences
from tenant_apps.mail.outbox import selectors as outbox_selectors
from tenant_apps.mail.outbox import services
from tenant_apps.mail.outbox.compose import ComposeInput, MessageTooLarge
from tenant_apps.mail.outbox.uploads import CHUNK_BYTES, upload_store
from tenant_apps.mail.serializers_outbox import (
    ComposeSerializer,
    MailOutgoingSerializer,
    MailSendPreferencesSerializer,
    MailUploadSerializer,
    OutboxCreateSerializer,
    OutboxRetrySerializer,
)
from tenant_apps.mail.storage import blob_open, mail_blob_root
from tenants.db import connection


class MessageTooLargeError(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The attachments are larger than one message may carry."
    default_code = "message_too_large"


class OutboxConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The message is not in a state that allows this."
    default_code = "outbox_conflict"


class OutboxCursorPagination(CheckedCursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@contextmanager
def outbox_errors() -> Iterator[None]:
    """The sending services' refusals as API errors in the one error shape."""
    try:
        yield
    except MessageTooLarge as too_large:
        raise MessageTooLargeError(str(too_large)) from None
    except services.OutboxConflict as conflict:
        raise OutboxConflictError(str(conflict)) from None


def compose_input(actor: User, data: dict[str, Any]) -> ComposeInput:
    """The validated request as a ComposeInput; the message answered must be one the actor may read."""
    source = None
    if data.get("source_message") is not None:
        source = selectors.mail_message_get(actor=actor, message_id=data["source_message"])
        if source is None:
            raise exceptions.ValidationError({"source_message": ["No message with this id is readable by you."]})
    return ComposeInput(
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        subject=data["subject"],
        text_body=data["text_body"],
        html_body=data["html_body"],
        mode=data["mode"],
        source_message=source,
        attachment_ids=data["attachments"],
        quote=data["quote"],
        recipients_given=bool(data["to"] or data["cc"] or data["bcc"]),
    )


def _outgoing(request: Request, outgoing_id: int) -> MailOutgoing:
    found = None
    if outgoing_id <= MAX_OBJECT_ID:
        found = outbox_selectors.outbox_get(actor=_actor(request), outgoing_id=outgoing_id)
    if found is None:
        raise NotFound()
    return found


class AccountOutboxView(GenericAPIView[MailOutgoing]):
    serializer_class = MailOutgoingSerializer
    pagination_class = OutboxCursorPagination

    @extend_schema(
        responses=MailOutgoingSerializer(many=True),
        summary="The account's outbox with each message's status, newest first",
    )
    def get(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        page = self.paginate_queryset(outbox_selectors.outbox_list(actor=_actor(request), account=account))
        return self.get_paginated_response(MailOutgoingSerializer(page, many=True).data)

    @extend_schema(
        request=OutboxCreateSerializer,
        responses={201: MailOutgoingSerializer},
        summary="Send a message: queued, sent when the undo window (or send_at) has passed",
    )
    def post(self, request: Request, account_id: int) -> Response:
        actor = _actor(request)
        account = _account(request, account_id)
        serializer = OutboxCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with outbox_errors():
            outgoing = services.outbox_queue(
                actor=actor,
                account=account,
                data=compose_input(actor, serializer.validated_data),
                send_at=serializer.validated_data["send_at"],
            )
        return Response(MailOutgoingSerializer(outgoing).data, status=status.HTTP_201_CREATED)


class OutboxDetailView(APIView):
    @extend_schema(responses=MailOutgoingSerializer, summary="One outbox message and its status")
    def get(self, request: Request, outgoing_id: int) -> Response:
        return Response(MailOutgoingSerializer(_outgoing(request, outgoing_id)).data)


class OutboxUndoView(APIView):
    @extend_schema(request=None, responses=MailOutgoingSerializer, summary="Undo send (409 once it is being sent)")
    def post(self, request: Request, outgoing_id: int) -> Response:
        outgoing = _outgoing(request, outgoing_id)
        with outbox_errors():
            outgoing = services.outbox_undo(actor=_actor(request), outgoing=outgoing)
        return Response(MailOutgoingSerializer(outgoing).data)


class OutboxRetryView(APIView):
    @extend_schema(
        request=OutboxRetrySerializer,
        responses=MailOutgoingSerializer,
        summary="Queue a failed message again (confirm_resend when it may have been delivered)",
    )
    def post(self, request: Request, outgoing_id: int) -> Response:
        outgoing = _outgoing(request, outgoing_id)
        serializer = OutboxRetrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with outbox_errors():
            outgoing = services.outbox_retry(
                actor=_actor(request), outgoing=outgoing, confirm_resend=serializer.validated_data["confirm_resend"]
            )
        return Response(MailOutgoingSerializer(outgoing).data)


def _request_chunks(request: Request) -> Any:
    stream = request._request  # Django's request reads the body as a stream, never all at once
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


class StreamedBodyParser(BaseParser):
    """Takes any body without reading it: the view streams it from the request. (With no parser at all, the CSRF
    check of a browser's session, which reads request.POST, answers 415 before the view runs.)"""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> dict[str, Any]:
        return {}


class UploadCreateView(APIView):
    parser_classes = [StreamedBodyParser]

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("filename", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True)],
        responses={201: MailUploadSerializer},
        summary="Upload an attachment (the raw bytes as the body; 413 over the per-message limit)",
    )
    def post(self, request: Request) -> Response:
        if request.content_type.lower().startswith(("multipart/", "application/x-www-form-urlencoded")):
            raise exceptions.UnsupportedMediaType(
                request.content_type, "Send the file's bytes as the request body (not a form), with ?filename=..."
            )
        filename = request.query_params.get("filename", "")
        if not filename.strip():
            raise exceptions.ValidationError({"filename": ["Give the file's name as ?filename=..."]})
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) or None
        except ValueError:
            declared = None
        with outbox_errors():
            upload = upload_store(
                actor=_actor(request), filename=filename, chunks=_request_chunks(request), declared_size=declared
            )
        return Response(MailUploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download an upload of mine (always as an attachment)",
    )
    def get(self, request: Request, upload_id: int) -> FileResponse:
        upload = None
        if upload_id <= MAX_OBJECT_ID:
            upload = outbox_selectors.upload_get(actor=_actor(request), upload_id=upload_id)
        if upload is None:
            raise NotFound()
        # A forwarded attachment's bytes may lie in a pack of the sync rather than in a file of their own.
        stream = blob_open(mail_blob_root(connection.schema_name), upload.sha256)
        if stream is None:
            raise NotFound("The upload is not stored.")
        content_type = upload.content_type if upload.content_type in SAFE_DOWNLOAD_TYPES else "application/octet-stream"
        response = FileResponse(stream, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(upload.filename, safe='')}"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class SendPreferencesView(APIView):
    @extend_schema(responses=MailSendPreferencesSerializer, summary="My sending preferences (undo window)")
    def get(self, request: Request) -> Response:
        seconds = services.undo_send_seconds(_actor(request))
        return Response(MailSendPreferencesSerializer(MailSendPreferences(undo_send_seconds=seconds)).data)

    @extend_schema(
        request=MailSendPreferencesSerializer, responses=MailSendPreferencesSerializer, summary="Set my undo window"
    )
    def put(self, request: Request) -> Response:
        serializer = MailSendPreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences = services.send_preferences_set(
            actor=_actor(request), undo_send_seconds=serializer.validated_data["undo_send_seconds"]
        )
        return Response(MailSendPreferencesSerializer(preferences).data)


__all__ = ["ComposeSerializer"]

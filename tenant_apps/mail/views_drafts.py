"""HTTP endpoints of drafts under /api/mail/: save (here at once, on the server debounced), delete, send."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.pagination import CheckedCursorPagination
from tenant_apps.mail.api import MAX_OBJECT_ID, _account, _actor
from tenant_apps.mail.models import MailDraft
from tenant_apps.mail.outbox import drafts
from tenant_apps.mail.outbox import selectors as outbox_selectors
from tenant_apps.mail.serializers_outbox import (
    ComposeSerializer,
    DraftSendSerializer,
    MailDraftSerializer,
    MailOutgoingSerializer,
)
from tenant_apps.mail.views_outbox import compose_input, outbox_errors


class DraftCursorPagination(CheckedCursorPagination):
    ordering = ("-updated_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _draft(request: Request, draft_id: int) -> MailDraft:
    found = None
    if draft_id <= MAX_OBJECT_ID:
        found = outbox_selectors.draft_get(actor=_actor(request), draft_id=draft_id)
    if found is None:
        raise NotFound()
    return found


class AccountDraftsView(GenericAPIView[MailDraft]):
    serializer_class = MailDraftSerializer
    pagination_class = DraftCursorPagination

    @extend_schema(responses=MailDraftSerializer(many=True), summary="My drafts in this account, last changed first")
    def get(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        page = self.paginate_queryset(outbox_selectors.draft_list(actor=_actor(request), account=account))
        return self.get_paginated_response(MailDraftSerializer(page, many=True).data)

    @extend_schema(
        request=ComposeSerializer,
        responses={201: MailDraftSerializer},
        summary="Start a draft (a reply or forward is quoted and threaded here once)",
    )
    def post(self, request: Request, account_id: int) -> Response:
        actor = _actor(request)
        account = _account(request, account_id)
        serializer = ComposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with outbox_errors():
            draft = drafts.draft_create(
                actor=actor, account=account, data=compose_input(actor, serializer.validated_data)
            )
        return Response(MailDraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class DraftDetailView(APIView):
    @extend_schema(responses=MailDraftSerializer, summary="One draft")
    def get(self, request: Request, draft_id: int) -> Response:
        return Response(MailDraftSerializer(_draft(request, draft_id)).data)

    @extend_schema(
        request=ComposeSerializer,
        responses=MailDraftSerializer,
        summary="Save the draft (autosave: saves close together reach the server as one)",
    )
    def put(self, request: Request, draft_id: int) -> Response:
        actor = _actor(request)
        draft = _draft(request, draft_id)
        serializer = ComposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with outbox_errors():
            draft = drafts.draft_update(actor=actor, draft=draft, data=compose_input(actor, serializer.validated_data))
        return Response(MailDraftSerializer(draft).data)

    @extend_schema(responses={204: None}, summary="Discard the draft (also on the server)")
    def delete(self, request: Request, draft_id: int) -> Response:
        with outbox_errors():
            drafts.draft_delete(actor=_actor(request), draft=_draft(request, draft_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftSendView(APIView):
    @extend_schema(
        request=DraftSendSerializer,
        responses={201: MailOutgoingSerializer},
        summary="Send the draft through the outbox; it leaves Drafts once sent",
    )
    def post(self, request: Request, draft_id: int) -> Response:
        draft = _draft(request, draft_id)
        serializer = DraftSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with outbox_errors():
            outgoing = drafts.draft_send(
                actor=_actor(request), draft=draft, send_at=serializer.validated_data["send_at"]
            )
        return Response(MailOutgoingSerializer(outgoing).data, status=status.HTTP_201_CREATED)

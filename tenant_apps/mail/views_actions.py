"""HTTP endpoints of mail actions under /api/mail/: delete, move, flags, keywords, spam on a selection of messages,
bulk jobs and their progress, empty Trash, folders create / rename / delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.mail import actions, folders, selectors, selectors_actions
from tenant_apps.mail.api import MAX_OBJECT_ID, FolderListView, _account, _actor
from tenant_apps.mail.exceptions import MailServerUnavailable
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.imap.writer import ActionRefused
from tenant_apps.mail.models import MailAccount, MailActionState, MailFolder
from tenant_apps.mail.selectors import MessageFilters
from tenant_apps.mail.serializers import MailFolderSerializer
from tenant_apps.mail.serializers_actions import (
    MailActionJobSerializer,
    MailActionSerializer,
    MailFolderCreateSerializer,
    MailFolderRenameSerializer,
    MailTrashEmptiedSerializer,
    message_filters,
)

# A filter selecting more than this is refused: narrow it (or run it in parts).
MAX_FILTER_SELECTION = 50_000
Result = TypeVar("Result")


class MailActionRefused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The mail server cannot do this safely."
    default_code = "action_refused"


def _server_call(call: Callable[[], Result]) -> Result:
    """Run a service that talks to the mail server; its refusals become 409s in the one error shape."""
    try:
        return call()
    except ActionRefused as refused:
        raise MailActionRefused(detail=refused.message, code=refused.code) from None
    except MailServerError as problem:
        raise MailServerUnavailable(detail=problem.message) from None


def _folder(request: Request, folder_id: int) -> MailFolder:
    folder = (
        None
        if folder_id > MAX_OBJECT_ID
        else selectors_actions.mail_folder_get(actor=_actor(request), folder_id=folder_id)
    )
    if folder is None:
        raise NotFound()
    return folder


def _folder_field(request: Request, field: str, folder_id: int | None) -> MailFolder | None:
    """A folder named in the request body: unknown (or another company's) is a field error."""
    if folder_id is None:
        return None
    try:
        return _folder(request, folder_id)
    except NotFound:
        raise exceptions.ValidationError({field: ["No such folder."]}) from None


def _selected_ids(request: Request, account: MailAccount, data: dict[str, Any]) -> list[int]:
    ids = data.get("message_ids")
    if isinstance(ids, list):
        return [int(value) for value in ids]
    filters = message_filters(data["filter"]) if isinstance(data.get("filter"), dict) else MessageFilters()
    messages = selectors.mail_message_list(actor=_actor(request), account=account, filters=filters)
    selected = list(messages.order_by("id").values_list("id", flat=True)[: MAX_FILTER_SELECTION + 1])
    if len(selected) > MAX_FILTER_SELECTION:
        raise exceptions.ValidationError(
            {"filter": [f"The filter selects more than {MAX_FILTER_SELECTION} messages; narrow it."]}
        )
    return selected


class MessageActionView(APIView):
    @extend_schema(
        request=MailActionSerializer,
        responses={200: MailActionJobSerializer, 202: MailActionJobSerializer},
        summary="Act on messages (ids or a filter): done now (200) or as a job with progress (202)",
    )
    def post(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        serializer = MailActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = _folder_field(request, "folder", data.get("folder"))
        message_ids = _selected_ids(request, account, data)
        job = _server_call(
            lambda: actions.mail_action_start(
                actor=_actor(request),
                account=account,
                action=data["action"],
                message_ids=message_ids,
                target_folder=target,
                keyword=data["keyword"],
                background="filter" in data,
            )
        )
        finished = job.state == MailActionState.DONE
        return Response(
            MailActionJobSerializer(job).data, status=status.HTTP_200_OK if finished else status.HTTP_202_ACCEPTED
        )


class ActionJobView(APIView):
    @extend_schema(responses=MailActionJobSerializer, summary="A bulk action's state and progress (done of total)")
    def get(self, request: Request, job_id: int) -> Response:
        job = (
            None
            if job_id > MAX_OBJECT_ID
            else selectors_actions.mail_action_job_get(actor=_actor(request), job_id=job_id)
        )
        if job is None:
            raise NotFound()
        return Response(MailActionJobSerializer(job).data)


class TrashEmptyView(APIView):
    @extend_schema(request=None, responses=MailTrashEmptiedSerializer, summary="Delete everything in Trash for good")
    def post(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        deleted = _server_call(lambda: actions.trash_empty(actor=_actor(request), account=account))
        return Response(MailTrashEmptiedSerializer({"deleted": deleted}).data)


class FolderListCreateView(FolderListView):
    @extend_schema(
        request=MailFolderCreateSerializer,
        responses={201: MailFolderSerializer},
        summary="Create a folder (on the server first), optionally inside another",
    )
    def post(self, request: Request, account_id: int) -> Response:
        account = _account(request, account_id)
        serializer = MailFolderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = _folder_field(request, "parent_id", serializer.validated_data.get("parent_id"))
        folder = _server_call(
            lambda: folders.mail_folder_create(
                actor=_actor(request), account=account, name=serializer.validated_data["name"], parent=parent
            )
        )
        return Response(_folder_data(request, folder), status=status.HTTP_201_CREATED)


def _folder_data(request: Request, folder: MailFolder) -> object:
    listed = selectors.mail_folder_list(actor=_actor(request), account=folder.account).get(pk=folder.pk)
    return MailFolderSerializer(listed).data


class FolderDetailView(APIView):
    @extend_schema(request=MailFolderRenameSerializer, responses=MailFolderSerializer, summary="Rename a folder")
    def patch(self, request: Request, folder_id: int) -> Response:
        folder = _folder(request, folder_id)
        serializer = MailFolderRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        renamed = _server_call(
            lambda: folders.mail_folder_rename(
                actor=_actor(request), folder=folder, name=serializer.validated_data["name"]
            )
        )
        return Response(_folder_data(request, renamed))

    @extend_schema(responses={204: None}, summary="Delete a folder and its messages (on the server first)")
    def delete(self, request: Request, folder_id: int) -> Response:
        folder = _folder(request, folder_id)
        _server_call(lambda: folders.mail_folder_delete(actor=_actor(request), folder=folder))
        return Response(status=status.HTTP_204_NO_CONTENT)

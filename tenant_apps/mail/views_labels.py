"""HTTP endpoint for Gmail labels: POST /api/mail/messages/<id>/labels with the labels to add and remove."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.mail import services_labels
from tenant_apps.mail.api import _actor, _message
from tenant_apps.mail.exceptions import LabelsUnsupportedError, MailServerUnavailable
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.serializers import MailMessageDetailSerializer, MailMessageLabelsSerializer


class MessageLabelsView(APIView):
    @extend_schema(
        request=MailMessageLabelsSerializer,
        responses=MailMessageDetailSerializer,
        summary="Gmail: add and remove labels of a message (written to Gmail first)",
    )
    def post(self, request: Request, message_id: int) -> Response:
        message = _message(request, message_id)
        serializer = MailMessageLabelsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            message = services_labels.message_labels_change(
                actor=_actor(request),
                message=message,
                add=serializer.validated_data["add"],
                remove=serializer.validated_data["remove"],
            )
        except services_labels.LabelsUnsupported as unsupported:
            raise LabelsUnsupportedError(detail=str(unsupported)) from None
        except MailServerError as problem:
            raise MailServerUnavailable(detail=problem.message) from None
        return Response(MailMessageDetailSerializer(message).data)

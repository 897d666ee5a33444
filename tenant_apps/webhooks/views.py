"""The admin console's webhooks under /api/webhooks: endpoints, their deliveries, a test event and redelivery.
Owners and admins only; the signing secret appears in the creation answer and nowhere else."""

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
from tenant_apps.accounts.permissions import request_actor as _actor
from tenant_apps.mail.api import MAX_OBJECT_ID
from tenant_apps.webhooks import selectors, services
from tenant_apps.webhooks.events import SUBSCRIBABLE_EVENTS
from tenant_apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from tenant_apps.webhooks.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEventTypesSerializer,
)

ADMIN = [IsAuthenticated, IsTenantAdmin]
TAGS = ["webhooks"]


def _endpoint(request: Request, endpoint_id: int) -> WebhookEndpoint:
    if endpoint_id > MAX_OBJECT_ID:
        raise NotFound("No such webhook endpoint.")
    return selectors.endpoint_get(actor=_actor(request), endpoint_id=endpoint_id)


class EventTypesView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=TAGS, responses=WebhookEventTypesSerializer, summary="The events an endpoint may receive")
    def get(self, request: Request) -> Response:
        return Response({"event_types": SUBSCRIBABLE_EVENTS})


class EndpointListView(GenericAPIView[WebhookEndpoint]):
    permission_classes = ADMIN
    serializer_class = WebhookEndpointSerializer
    pagination_class = IdCursorPagination

    @extend_schema(tags=TAGS, responses=WebhookEndpointSerializer(many=True), summary="Webhook endpoints, newest first")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.endpoint_list(actor=_actor(request)))
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        summary="Register an endpoint; the answer carries its signing secret, shown this once",
    )
    def post(self, request: Request) -> Response:
        given = WebhookEndpointInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(actor=_actor(request), **given.validated_data)
        body = {**WebhookEndpointSerializer(endpoint).data, "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class EndpointDetailView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=TAGS, responses=WebhookEndpointSerializer, summary="One endpoint")
    def get(self, request: Request, endpoint_id: int) -> Response:
        return Response(WebhookEndpointSerializer(_endpoint(request, endpoint_id)).data)

    @extend_schema(
        tags=TAGS,
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
        summary="Change an endpoint's URL, events, description, or turn it off and on",
    )
    def patch(self, request: Request, endpoint_id: int) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        given = WebhookEndpointUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(actor=_actor(request), endpoint=endpoint, **given.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(tags=TAGS, responses={204: None}, summary="Remove an endpoint and its deliveries")
    def delete(self, request: Request, endpoint_id: int) -> Response:
        services.endpoint_delete(actor=_actor(request), endpoint=_endpoint(request, endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointTestView(APIView):
    permission_classes = ADMIN

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={202: WebhookDeliverySerializer},
        summary="Send a webhook.test event to this endpoint",
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        delivery = services.endpoint_test(actor=_actor(request), endpoint=_endpoint(request, endpoint_id))
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryListView(GenericAPIView[WebhookDelivery]):
    permission_classes = ADMIN
    serializer_class = WebhookDeliverySerializer
    pagination_class = IdCursorPagination

    @extend_schema(tags=TAGS, responses=WebhookDeliverySerializer(many=True), summary="An endpoint's deliveries")
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        page = self.paginate_queryset(selectors.delivery_list(actor=_actor(request), endpoint=endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class DeliveryRedeliverView(APIView):
    permission_classes = ADMIN

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={202: WebhookDeliverySerializer},
        summary="Send a delivery's event again, as a new delivery",
    )
    def post(self, request: Request, endpoint_id: int, delivery_id: int) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        if delivery_id > MAX_OBJECT_ID:
            raise NotFound("No such delivery.")
        delivery = selectors.delivery_get(actor=_actor(request), endpoint=endpoint, delivery_id=delivery_id)
        again = services.delivery_redeliver(actor=_actor(request), delivery=delivery)
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)

"""HTTP endpoints of billing: the public plans list and Stripe's webhook (public host), and a company's own
billing state, Checkout and Billing Portal (company host, /api/billing)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.billing import selectors, services
from shared_apps.billing.models import BillingStatus, Plan
from shared_apps.billing.serializers import (
    BillingStateSerializer,
    CheckoutRequestSerializer,
    PlanSerializer,
    RedirectSerializer,
    WebhookResultSerializer,
)
from shared_apps.billing.stripe_api import billing_enabled
from tenant_apps.accounts.models import User
from tenant_apps.accounts.permissions import IsTenantAdmin


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "description": plan.description,
        "max_users": plan.max_users,
        "max_mail_accounts": plan.max_mail_accounts,
        "max_storage_mb": plan.max_storage_mb,
        "max_contacts": plan.max_contacts,
        "monthly_price_cents": plan.monthly_price_cents,
        "currency": plan.currency,
        "trial_days": plan.trial_days,
        "purchasable": bool(plan.stripe_price_id),
    }


class PlanListView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["billing"], responses=PlanSerializer(many=True), summary="Plans for the pricing page")
    def get(self, request: Request) -> Response:
        return Response([plan_data(plan) for plan in selectors.plan_list_public()])


class RawBodyParser(BaseParser):
    """Leaves the body alone: the Stripe signature covers the exact bytes."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return None


class StripeWebhookView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [RawBodyParser]

    @extend_schema(
        tags=["billing"],
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)],
        responses={200: WebhookResultSerializer},
        summary="Stripe's webhook: signed events about subscriptions, checkouts and invoices",
    )
    def post(self, request: Request) -> Response:
        django_request: HttpRequest = request._request
        outcome = services.stripe_webhook_handle(
            payload=django_request.body, signature=str(request.META.get("HTTP_STRIPE_SIGNATURE", ""))
        )
        return Response({"result": outcome.result})


def _tenant_id(request: Request) -> int:
    tenant = getattr(request._request, "tenant", None)
    if tenant is None:
        raise NotFound()
    return int(tenant.pk)


class BillingStateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["billing"], responses=BillingStateSerializer, summary="The company's plan, state and usage")
    def get(self, request: Request) -> Response:
        tenant_id = _tenant_id(request)
        account = selectors.billing_account_get(tenant_id=tenant_id)
        access = selectors.access_of(account)
        plan = account.plan if account is not None and billing_enabled() else None
        body = {
            "enabled": billing_enabled(),
            "plan": plan_data(plan) if plan is not None else None,
            "status": account.status if account is not None and billing_enabled() else BillingStatus.ACTIVE,
            "trial_ends_at": account.trial_ends_at if account is not None and billing_enabled() else None,
            "read_only": access.read_only,
            "read_only_reason": access.reason,
            "payment_overdue_banner": access.payment_overdue,
            "grace_ends_at": access.grace_ends_at,
            "usage": {"users": User.objects.filter(is_active=True).count()},
        }
        return Response(BillingStateSerializer(body).data)


class CheckoutView(APIView):
    permission_classes = [IsAuthenticated, IsTenantAdmin]

    @extend_schema(
        tags=["billing"],
        request=CheckoutRequestSerializer,
        responses={200: RedirectSerializer},
        summary="Start Stripe Checkout for a plan; send the browser to the returned URL",
    )
    def post(self, request: Request) -> Response:
        serializer = CheckoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        url = services.checkout_session_start(
            tenant_id=_tenant_id(request), plan_code=serializer.validated_data["plan"]
        )
        return Response({"url": url})


class PortalView(APIView):
    permission_classes = [IsAuthenticated, IsTenantAdmin]

    @extend_schema(
        tags=["billing"],
        request=None,
        responses={200: RedirectSerializer},
        summary="Open Stripe's Billing Portal (cards, invoices); send the browser to the returned URL",
    )
    def post(self, request: Request) -> Response:
        return Response({"url": services.portal_session_start(tenant_id=_tenant_id(request))})

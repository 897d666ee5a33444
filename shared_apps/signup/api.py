"""HTTP endpoints of signup: create a company and verify its owner (public host), and redeem the one-time login
on the company's own host (/api/auth/handoff)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.ratelimit import RateLimitExceeded
from shared_apps.signup import services
from shared_apps.signup.serializers import (
    ResendAcceptedSerializer,
    ResendSerializer,
    SignupCreatedSerializer,
    SignupSerializer,
    TokenSerializer,
    VerifiedSerializer,
)
from tenant_apps.accounts.api import AnonymousAPIView
from tenant_apps.accounts.exceptions import RateLimited
from tenant_apps.accounts.ratelimit import client_ip
from tenant_apps.accounts.serializers import MeSerializer
from tenants.provisioning import ProvisioningUnavailable


class SignupUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Signup is briefly unavailable while the service is updated; please try again in a minute."
    default_code = "signup_unavailable"


TOO_MANY = "Too many attempts from this address; please wait before trying again."


class SignupView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["signup"],
        request=SignupSerializer,
        responses={201: SignupCreatedSerializer},
        summary="Create a company and its owner; a verification link is emailed to the owner",
    )
    def post(self, request: Request) -> Response:
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        try:
            signup = services.company_signup(
                client_ip=client_ip(request._request),
                company_name=values["company_name"],
                subdomain=values["subdomain"],
                email=values["email"],
                password=values["password"],
                full_name=values["full_name"],
                plan_code=values["plan"] or None,
            )
        except RateLimitExceeded as exc:
            raise RateLimited(wait=exc.retry_after_seconds, detail=TOO_MANY) from None
        except ProvisioningUnavailable:
            raise SignupUnavailable() from None
        hostname = signup.tenant.domains.values_list("domain", flat=True).first() or ""
        body = {
            "message": "The company is ready. Open the link we emailed to confirm your address and sign in.",
            "subdomain": hostname.split(".", 1)[0],
            "hostname": hostname,
        }
        return Response(SignupCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class SignupVerifyView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["signup"],
        request=TokenSerializer,
        responses={200: VerifiedSerializer},
        summary="Confirm the owner's email; returns a one-time login for the company's host",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            issued = services.signup_verify(
                client_ip=client_ip(request._request), token=serializer.validated_data["token"]
            )
        except RateLimitExceeded as exc:
            raise RateLimited(wait=exc.retry_after_seconds, detail=TOO_MANY) from None
        body = {
            "company_url": issued.company_url,
            "login_url": issued.login_url,
            "login_token": issued.token,
            "login_token_expires_at": issued.expires_at,
        }
        return Response(VerifiedSerializer(body).data)


RESENT = "If a company is waiting for this address to be confirmed, a new link is on its way; older links stop working."


class SignupResendView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["signup"],
        request=ResendSerializer,
        responses={202: ResendAcceptedSerializer},
        summary="Email a new verification link; the answer is the same whether or not the address signed up",
    )
    def post(self, request: Request) -> Response:
        serializer = ResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.signup_verification_resend(
                client_ip=client_ip(request._request), email=serializer.validated_data["email"]
            )
        except RateLimitExceeded as exc:
            raise RateLimited(wait=exc.retry_after_seconds, detail=TOO_MANY) from None
        return Response(ResendAcceptedSerializer({"message": RESENT}).data, status=status.HTTP_202_ACCEPTED)


class LoginHandoffView(AnonymousAPIView):
    @extend_schema(
        tags=["auth"],
        request=TokenSerializer,
        responses={200: MeSerializer},
        summary="Sign in with the one-time token from signup (works once, for two minutes); needs the CSRF token",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.login_handoff_redeem(
                request=request._request,
                client_ip=client_ip(request._request),
                token=serializer.validated_data["token"],
            )
        except RateLimitExceeded as exc:
            raise RateLimited(wait=exc.retry_after_seconds, detail=TOO_MANY) from None
        return Response(MeSerializer(user).data)

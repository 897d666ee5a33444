"""HTTP endpoints of the accounts app under /api/ on a company's host: parse, check the role, call one service or
selector, present the result. Rules live in services.py and selectors.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.middleware.csrf import get_token
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import CSRFCheck
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.common.compiled import Shaped
from shared_apps.common.ratelimit import RateLimitExceeded
from tenant_apps.accounts import selectors, services
from tenant_apps.accounts.exceptions import CsrfFailed, LogoTooLarge, RateLimited
from tenant_apps.accounts.permissions import IsTenantAdmin
from tenant_apps.accounts.permissions import request_actor as _actor
from tenant_apps.accounts.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    CsrfTokenSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    LoginSerializer,
    LogoUploadSerializer,
    MeSerializer,
    MessageSerializer,
    MeUpdateSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    TenantBrandSerializer,
    TenantSettingsSerializer,
    TenantSettingsUpdateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from tenants.models import Tenant

# Room for the multipart envelope around the logo itself.
MULTIPART_OVERHEAD_BYTES = 16 * 1024
LOGO_MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp")


def _django_request(request: Request) -> HttpRequest:
    return request._request


def _tenant_id(request: Request) -> int:
    tenant = getattr(_django_request(request), "tenant", None)
    if tenant is None:
        raise NotFound()
    return int(tenant.pk)


def _page(view: GenericAPIView, rows: Shaped[Any]) -> list[Any] | None:
    # DRF's cursor pagination narrows and slices a compiled query (shared_apps.common.compiled) as it would a
    # queryset; the stubs only know querysets and sequences.
    return view.paginate_queryset(rows)  # type: ignore[arg-type]


def _object_id(value: int) -> int:
    # Ids beyond bigint cannot exist; without this PostgreSQL would refuse the query.
    if value > services.MAX_OBJECT_ID:
        raise NotFound()
    return value


# Anonymous endpoints that sign someone in or set a password check CSRF even without a session. DRF checks
# CSRF only for requests already signed in with a session; without this a hostile page could sign a visitor
# in to an account of the attacker's choosing (login CSRF). Comments, not docstrings, on these base classes:
# drf-spectacular would copy a docstring into the description of every endpoint built on them.
class CsrfEnforcedMixin:
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        django_request = _django_request(request)
        check = CSRFCheck(lambda _request: None)  # type: ignore[arg-type]
        check.process_request(django_request)
        if check.process_view(django_request, None, (), {}):  # type: ignore[arg-type]
            raise CsrfFailed()


class AnonymousAPIView(CsrfEnforcedMixin, APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


ADMIN = [IsAuthenticated, IsTenantAdmin]
RESET_REQUESTS_LIMITED = "Too many password reset requests; please wait before asking again."


# --- auth -----------------------------------------------------------------------------------------------------


class CsrfView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], responses=CsrfTokenSerializer, summary="Get a CSRF token (also set as cookie)")
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(_django_request(request))})


class LoginView(AnonymousAPIView):
    @extend_schema(
        tags=["auth"],
        request=LoginSerializer,
        responses={200: MeSerializer},
        summary="Sign in with email and password (session cookie); needs the CSRF token",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.session_login(
                request=_django_request(request),
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except RateLimitExceeded as exc:
            raise RateLimited(wait=exc.retry_after_seconds) from None
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    @extend_schema(tags=["auth"], request=None, responses={204: None}, summary="Sign out of this session")
    def post(self, request: Request) -> Response:
        services.session_logout(request=_django_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    @extend_schema(
        tags=["auth"],
        request=None,
        responses={204: None},
        summary="End every other session of mine; this one stays signed in",
    )
    def post(self, request: Request) -> Response:
        services.session_logout_everywhere(request=_django_request(request), user=_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(tags=["auth"], responses=MeSerializer, summary="Who am I")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_actor(request)).data)

    @extend_schema(
        tags=["auth"],
        request=MeUpdateSerializer,
        responses=MeSerializer,
        summary="Change my name or password (a new password needs the current one)",
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_profile_update(
            request=_django_request(request), user=_actor(request), **serializer.validated_data
        )
        return Response(MeSerializer(user).data)


class PasswordResetView(AnonymousAPIView):
    @extend_schema(
        tags=["auth"],
        request=PasswordResetRequestSerializer,
        responses={202: MessageSerializer},
        summary="Email a password reset link (202 whether or not the email has an account; 429 when asked too often)",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.password_reset_request(request=_django_request(request), email=serializer.validated_data["email"])
        except RateLimitExceeded as exc:
            raise RateLimited(
                wait=exc.retry_after_seconds,
                detail="Too many password reset requests; please wait before asking again.",
            ) from None
        return Response(
            {"message": "If this email belongs to an account, a link to reset its password is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(AnonymousAPIView):
    @extend_schema(
        tags=["auth"],
        request=PasswordResetConfirmSerializer,
        responses={204: None},
        summary="Set a new password from a reset link; every session ends",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- users ----------------------------------------------------------------------------------------------------


class UserListView(GenericAPIView):
    permission_classes = ADMIN
    serializer_class = UserSerializer

    @extend_schema(tags=["users"], responses=UserSerializer(many=True), summary="List the company's people")
    def get(self, request: Request) -> Response:
        page = _page(self, selectors.user_list(actor=_actor(request)))
        return self.get_paginated_response(UserSerializer(page, many=True).data)


class UserDetailView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=["users"], responses=UserSerializer, summary="One person")
    def get(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(actor=_actor(request), user_id=_object_id(user_id))
        return Response(UserSerializer(user).data)

    @extend_schema(
        tags=["users"],
        request=UserUpdateSerializer,
        responses=UserSerializer,
        summary="Change a person's role, name or active flag",
    )
    def patch(self, request: Request, user_id: int) -> Response:
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(actor=_actor(request), user_id=_object_id(user_id), **serializer.validated_data)
        return Response(UserSerializer(user).data)

    @extend_schema(
        tags=["users"],
        responses={204: None},
        summary="Deactivate a person: their sessions end and their API tokens are revoked",
    )
    def delete(self, request: Request, user_id: int) -> Response:
        services.user_deactivate(actor=_actor(request), user_id=_object_id(user_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations ----------------------------------------------------------------------------------------------


class InvitationListView(GenericAPIView):
    permission_classes = ADMIN
    serializer_class = InvitationSerializer

    @extend_schema(tags=["invitations"], responses=InvitationSerializer(many=True), summary="List invitations")
    def get(self, request: Request) -> Response:
        page = _page(self, selectors.invitation_list(actor=_actor(request)))
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(
        tags=["invitations"],
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
        summary="Invite someone by email (an open invitation for the same email is replaced)",
    )
    def post(self, request: Request) -> Response:
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(actor=_actor(request), **serializer.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    permission_classes = ADMIN

    @extend_schema(tags=["invitations"], responses={204: None}, summary="Revoke an invitation")
    def delete(self, request: Request, invitation_id: int) -> Response:
        services.invitation_revoke(actor=_actor(request), invitation_id=_object_id(invitation_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(AnonymousAPIView):
    @extend_schema(
        tags=["invitations"],
        request=InvitationAcceptSerializer,
        responses={201: MeSerializer},
        summary="Accept an invitation: creates the account and signs it in; needs the CSRF token",
    )
    def post(self, request: Request) -> Response:
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.invitation_accept(request=_django_request(request), **serializer.validated_data)
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


# --- API tokens -----------------------------------------------------------------------------------------------


class ApiTokenListView(GenericAPIView):
    serializer_class = ApiTokenSerializer

    @extend_schema(tags=["tokens"], responses=ApiTokenSerializer(many=True), summary="List my API tokens")
    def get(self, request: Request) -> Response:
        page = _page(self, selectors.api_token_list(user=_actor(request)))
        return self.get_paginated_response(ApiTokenSerializer(page, many=True).data)

    @extend_schema(
        tags=["tokens"],
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="Create an API token; the full token is in this response only",
    )
    def post(self, request: Request) -> Response:
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_token, secret = services.api_token_create(user=_actor(request), name=serializer.validated_data["name"])
        data = ApiTokenSerializer(api_token).data
        return Response({**data, "token": secret}, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    @extend_schema(tags=["tokens"], responses={204: None}, summary="Revoke one of my API tokens")
    def delete(self, request: Request, token_id: int) -> Response:
        services.api_token_revoke(user=_actor(request), token_id=_object_id(token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- company settings -----------------------------------------------------------------------------------------


def _settings_data(tenant: Tenant) -> dict[str, Any]:
    logo_url = None
    if tenant.logo_path:
        # The file name changes with every upload, so it doubles as a cache-busting version.
        logo_url = f"/api/settings/logo?v={Path(tenant.logo_path).stem.removeprefix('logo-')}"
    return {"name": tenant.name, "timezone": tenant.timezone, "currency": tenant.currency, "logo_url": logo_url}


# Reads for every member (or whoever read_permissions says), writes for owners and admins.
class _MethodPermissions(APIView):
    read_permissions: tuple[type[BasePermission], ...] = (IsAuthenticated,)

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [permission() for permission in self.read_permissions]
        return [permission() for permission in ADMIN]


class TenantSettingsView(_MethodPermissions):
    @extend_schema(tags=["settings"], responses=TenantSettingsSerializer, summary="The company's settings")
    def get(self, request: Request) -> Response:
        tenant = selectors.tenant_settings_get(actor=_actor(request), tenant_id=_tenant_id(request))
        return Response(TenantSettingsSerializer(_settings_data(tenant)).data)

    @extend_schema(
        tags=["settings"],
        request=TenantSettingsUpdateSerializer,
        responses=TenantSettingsSerializer,
        summary="Change the company's name, time zone or currency",
    )
    def patch(self, request: Request) -> Response:
        serializer = TenantSettingsUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        tenant = services.tenant_settings_update(
            actor=_actor(request),
            tenant_id=_tenant_id(request),
            name=values.get("name"),
            timezone_name=values.get("timezone"),
            currency=values.get("currency"),
        )
        return Response(TenantSettingsSerializer(_settings_data(tenant)).data)


class TenantBrandView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["settings"],
        responses=TenantBrandSerializer,
        summary="The company's name and logo, for the sign-in page (no sign-in needed)",
    )
    def get(self, request: Request) -> Response:
        tenant = selectors.tenant_brand_get(tenant_id=_tenant_id(request))
        data = _settings_data(tenant)
        return Response(TenantBrandSerializer({"name": data["name"], "logo_url": data["logo_url"]}).data)


# The logo is public (the sign-in page shows it); changing it is for owners and admins.
class TenantLogoView(_MethodPermissions):
    parser_classes = [MultiPartParser]
    read_permissions = (AllowAny,)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The logo answers with its own image type whatever Accept says (browsers ask for image/*, not JSON).
        if request.method in ("GET", "HEAD"):
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        tags=["settings"],
        responses={
            **{(200, media_type): OpenApiResponse(OpenApiTypes.BINARY) for media_type in LOGO_MEDIA_TYPES},
        },
        summary="The company's logo image (no sign-in needed)",
    )
    def get(self, request: Request) -> FileResponse:
        path, kind = selectors.tenant_logo_get(tenant_id=_tenant_id(request))
        response = FileResponse(path.open("rb"), content_type=kind.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'"
        response["Cache-Control"] = "public, max-age=86400"
        return response

    @extend_schema(
        tags=["settings"],
        request={"multipart/form-data": LogoUploadSerializer},
        responses=TenantSettingsSerializer,
        summary="Upload the company's logo (PNG, JPEG or WebP; SVG is refused)",
    )
    def put(self, request: Request) -> Response:
        limit = int(settings.MAX_LOGO_BYTES)
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            content_length = 0
        if content_length > limit + MULTIPART_OVERHEAD_BYTES:
            raise LogoTooLarge(f"A logo may be at most {limit} bytes.")
        serializer = LogoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["logo"]
        if upload.size is not None and upload.size > limit:
            raise LogoTooLarge(f"A logo may be at most {limit} bytes.")
        tenant = services.tenant_logo_replace(
            actor=_actor(request), tenant_id=_tenant_id(request), content=upload.read(limit + 1)
        )
        return Response(TenantSettingsSerializer(_settings_data(tenant)).data)

    @extend_schema(tags=["settings"], responses={200: TenantSettingsSerializer}, summary="Remove the company's logo")
    def delete(self, request: Request) -> Response:
        tenant = services.tenant_logo_delete(actor=_actor(request), tenant_id=_tenant_id(request))
        return Response(TenantSettingsSerializer(_settings_data(tenant)).data)

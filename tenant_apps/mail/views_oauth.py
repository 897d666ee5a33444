"""HTTP endpoints of the OAuth2 connect flow: which providers are offered, start (and sign in again), the public
callback that bounces to the company host, and completion there. Thin: each calls tenant_apps.mail.oauth.connect."""

from __future__ import annotations

import logging

from django.http import HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.accounts.models import User
from tenant_apps.mail.api import _account, _actor
from tenant_apps.mail.exceptions import OAuthConnectError
from tenant_apps.mail.oauth import connect
from tenant_apps.mail.oauth.providers import oauth_providers_available
from tenant_apps.mail.oauth.tokens import OAUTH2
from tenant_apps.mail.serializers import (
    MailOAuthAuthorizeSerializer,
    MailOAuthCallbackQuerySerializer,
    MailOAuthConnectSerializer,
    MailOAuthProviderSerializer,
)

logger = logging.getLogger(__name__)

# Where the browser lands once a mailbox is connected (the portal's mail page).
CONNECTED_PATH = "/mail"


def _refused(refused: connect.ConnectRefused) -> OAuthConnectError:
    return OAuthConnectError(code=refused.code, message=refused.message, status_code=refused.status)


def _host(request: Request) -> str:
    return request.get_host().rsplit(":", 1)[0].lower()


def _session_key(request: Request) -> str | None:
    # Token-authenticated requests have no session; the flow needs the browser's.
    return request.session.session_key if request.auth is None else None


class OAuthProviderListView(APIView):
    @extend_schema(
        responses=MailOAuthProviderSerializer(many=True), summary="OAuth2 sign-in providers this server offers"
    )
    def get(self, request: Request) -> Response:
        _actor(request)
        providers = [{"key": provider.key, "label": provider.label} for provider in oauth_providers_available()]
        return Response(MailOAuthProviderSerializer(providers, many=True).data)


class OAuthConnectView(APIView):
    @extend_schema(
        request=MailOAuthConnectSerializer,
        responses=MailOAuthAuthorizeSerializer,
        summary="Start connecting a mailbox with OAuth2; send the browser to authorize_url",
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        serializer = MailOAuthConnectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            url = connect.oauth_connect_start(
                actor=actor,
                host=_host(request),
                session_key=_session_key(request),
                provider_key=serializer.validated_data["provider"],
                email_address=serializer.validated_data["email_address"],
                name=serializer.validated_data["name"],
            )
        except connect.ConnectRefused as refused:
            raise _refused(refused) from None
        return Response(MailOAuthAuthorizeSerializer({"authorize_url": url}).data)


class OAuthReconnectView(APIView):
    def _start(self, request: Request, account_id: int) -> str:
        actor = _actor(request)
        account = _account(request, account_id)
        if account.auth_method != OAUTH2:
            raise OAuthConnectError(
                code="oauth_not_oauth", message="This account signs in with a password.", status_code=400
            )
        if not (account.owner_id == actor.pk or actor.is_admin):
            raise OAuthConnectError(
                code="permission_denied", message="Only the account's owner and admins can do this.", status_code=403
            )
        try:
            return connect.oauth_connect_start(
                actor=actor,
                host=_host(request),
                session_key=_session_key(request),
                provider_key=account.provider,
                account=account,
            )
        except connect.ConnectRefused as refused:
            raise _refused(refused) from None

    @extend_schema(request=None, responses=MailOAuthAuthorizeSerializer, summary="Sign an OAuth2 account in again")
    def post(self, request: Request, account_id: int) -> Response:
        return Response(MailOAuthAuthorizeSerializer({"authorize_url": self._start(request, account_id)}).data)

    @extend_schema(
        responses={302: OpenApiResponse(description="To the provider's sign-in page")},
        summary="Sign an OAuth2 account in again (the link in the re-authentication email)",
    )
    def get(self, request: Request, account_id: int) -> HttpResponseRedirect:
        try:
            return HttpResponseRedirect(self._start(request, account_id))
        except OAuthConnectError as refused:  # a link in an email: the browser goes to the page that explains it
            return HttpResponseRedirect(connect.oauth_error_path(str(refused.get_codes())))


def _refused_redirect(refused: connect.ConnectRefused, location: str) -> HttpResponseRedirect:
    logger.info("mail OAuth2 connect refused (%s): %s", refused.code, refused.message)
    return HttpResponseRedirect(location)


class OAuthCompleteView(APIView):
    """The browser arrives here from the provider (through the public callback): every answer is a redirect, to
    the mail page when connected, to the mail accounts settings page with ?oauth_error=<code> when not (also for a
    browser that is not signed in, so the permission check is the view's own)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[MailOAuthCallbackQuerySerializer],
        responses={
            302: OpenApiResponse(
                description="To the mail page with the new account's id, or to /settings/mail-accounts?oauth_error="
                "<code> (nothing stored)"
            )
        },
        summary="Finish connecting (the public callback sends the browser here)",
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        if not isinstance(request.user, User):
            return HttpResponseRedirect(connect.oauth_error_path("oauth_session_required"))
        query = MailOAuthCallbackQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return HttpResponseRedirect(connect.oauth_error_path("oauth_callback_invalid"))
        try:
            account = connect.oauth_connect_complete(
                actor=request.user, host=_host(request), session_key=_session_key(request), **query.validated_data
            )
        except connect.ConnectRefused as refused:
            return _refused_redirect(refused, connect.oauth_error_path(refused.code))
        return HttpResponseRedirect(f"{CONNECTED_PATH}?connected={account.pk}")


class OAuthCallbackView(APIView):
    """On the public host: the one redirect URI registered with every provider."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[MailOAuthCallbackQuerySerializer],
        responses={
            302: OpenApiResponse(
                OpenApiTypes.NONE,
                description="To the company host that started it; a forged or expired state to "
                "/settings/mail-accounts?oauth_error=<code> (on the company host a signed state names, else here)",
            )
        },
        summary="OAuth2 redirect URI; bounces to the company host named in the signed state",
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        state = str(request.query_params.get("state", ""))
        query = MailOAuthCallbackQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return HttpResponseRedirect(
                connect.oauth_callback_error_location(code="oauth_callback_invalid", state=state)
            )
        try:
            given = {key: str(value) for key, value in query.validated_data.items() if key in request.query_params}
            location = connect.oauth_callback_bounce(query=given)
        except connect.ConnectRefused as refused:
            return _refused_redirect(refused, connect.oauth_callback_error_location(code=refused.code, state=state))
        return HttpResponseRedirect(location)

"""Bearer API tokens: looked up by their SHA-256 in the current tenant's schema.

A random 32-byte secret needs no slow password hash: SHA-256 cannot be reversed and the secret cannot be guessed.
Lookups are remembered per process and checked against Redis on each request (token_cache).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from tenant_apps.accounts.models import ApiToken, User
from tenant_apps.accounts.token_cache import api_token_find, api_token_used
from tenants.db import connection

TOKEN_PREFIX = "atr_"  # noqa: S105 - a public marker, not a secret
# last_used_at is written at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        schema_name = connection.schema_name
        # Read with the route, before any database read (tenants.middleware); absent on a first request.
        api_token = api_token_find(
            schema_name=schema_name,
            key_hash=token_hash(token),
            generation=getattr(request, "auth_generation", None),
            retired=getattr(request, "auth_retired", None),
        )
        if api_token is None or not api_token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
            api_token_used(schema_name=schema_name, api_token=api_token)
        return api_token.user, api_token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

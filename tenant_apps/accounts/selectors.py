"""Reads of a company's accounts, with the permission rules applied here so that no view can forget them."""

from __future__ import annotations

import zoneinfo
from functools import cache
from pathlib import Path

from django.conf import settings
from rest_framework.exceptions import NotFound, PermissionDenied

from shared_apps.common.compiled import CompiledQuery, Shaped
from tenant_apps.accounts.images import KINDS_BY_EXTENSION, ImageKind
from tenant_apps.accounts.models import ApiToken, Invitation, User
from tenants.models import Tenant


def require_admin(actor: User) -> None:
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied("Only owners and admins can do this.")


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# The lists and the detail are the hottest reads of the API: compiled once per process (shared_apps.common.compiled)
# and run with each request's values; the lists are narrowed and sliced by the cursor pagination.
_USERS = CompiledQuery(User, lambda: User.objects.all())
_USER = CompiledQuery(User, lambda user_id: User.objects.filter(pk=user_id))
_INVITATIONS = CompiledQuery(Invitation, lambda: Invitation.objects.select_related("invited_by"))
_API_TOKENS = CompiledQuery(ApiToken, lambda user_id: ApiToken.objects.filter(user_id=user_id))


def user_list(*, actor: User) -> Shaped[User]:
    require_admin(actor)
    return _USERS.query()


def user_get(*, actor: User, user_id: int) -> User:
    require_admin(actor)
    # As filter(pk=...).first() would: ordered by id, LIMIT 1.
    users = _USER.query(user_id=user_id)[:1]
    if not users:
        raise NotFound("No such user.")
    return users[0]


def invitation_list(*, actor: User) -> Shaped[Invitation]:
    require_admin(actor)
    return _INVITATIONS.query()


def api_token_list(*, user: User) -> Shaped[ApiToken]:
    """A person's own tokens, revoked ones included; nobody lists another person's tokens."""
    return _API_TOKENS.query(user_id=user.pk)


def tenant_settings_get(*, actor: User, tenant_id: int) -> Tenant:
    """The company's row, read fresh (the copy cached for host routing may be a few moments old)."""
    if not actor.is_active:
        raise PermissionDenied()
    return Tenant.objects.get(pk=tenant_id)


def tenant_brand_get(*, tenant_id: int) -> Tenant:
    """The company's row for what anyone at its host may see before signing in: its name and logo."""
    return Tenant.objects.get(pk=tenant_id)


def tenant_logo_get(*, tenant_id: int) -> tuple[Path, ImageKind]:
    """The logo file of the company and its type; NotFound when there is none. Public: the sign-in page shows it."""
    tenant = tenant_brand_get(tenant_id=tenant_id)
    if not tenant.logo_path:
        raise NotFound("This company has no logo.")
    directory = (Path(settings.MEDIA_ROOT) / "tenants" / str(tenant.pk)).resolve()
    path = (Path(settings.MEDIA_ROOT) / tenant.logo_path).resolve()
    kind = KINDS_BY_EXTENSION.get(path.suffix)
    # logo_path is only ever written by tenant_logo_replace; the check keeps a bad row from serving other files.
    if path.parent != directory or kind is None or not path.is_file():
        raise NotFound("This company has no logo.")
    return path, kind

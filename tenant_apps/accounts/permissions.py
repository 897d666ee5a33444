"""Who may call what: role checks shared by the views (selectors and services check again for themselves)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenant_apps.accounts.models import User


def request_actor(request: Request) -> User:
    """The signed-in person making the request; 401 for anyone else."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


class IsTenantAdmin(BasePermission):
    """Owners and admins of the company whose host the request came to."""

    message = "Only owners and admins can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return isinstance(user, User) and user.is_active and user.is_admin

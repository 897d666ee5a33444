"""The platform admin site on the public host: only active PlatformStaff get in, through their own sign-in."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from shared_apps.platform_admin.forms import StaffAuthenticationForm
from shared_apps.platform_admin.models import PlatformStaff


class PlatformAdminSite(admin.AdminSite):
    site_header = "Atrium platform admin"
    site_title = "Atrium platform admin"
    index_title = "Companies, plans and the audit log"
    login_form = StaffAuthenticationForm
    # The public site has no page of its own to link to yet.
    site_url = None
    enable_nav_sidebar = False
    final_catch_all_view = False

    def has_permission(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        # Routing leaves request.tenant None on the public host only; the admin is not in the tenant URLconf either.
        on_public_host = getattr(request, "tenant", None) is None
        return on_public_host and isinstance(user, PlatformStaff) and user.is_active


platform_admin_site = PlatformAdminSite(name="platform_admin")

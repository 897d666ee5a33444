"""Sign-in of platform staff (public host only). Its `authenticate` takes `staff_email`, so Django never offers
it the credentials of a company's login form (those use `email`), and company users never reach the admin."""

from __future__ import annotations

from django.http import HttpRequest

from shared_apps.platform_admin.models import PlatformStaff


class PlatformStaffBackend:
    def authenticate(
        self, request: HttpRequest | None, *, staff_email: str | None = None, password: str | None = None
    ) -> PlatformStaff | None:
        if not staff_email or not password:
            return None
        staff = PlatformStaff.objects.filter(email=staff_email.strip().lower()).first()
        if staff is None:
            # Hash anyway, so response time does not tell which emails are staff.
            PlatformStaff().set_password(password)
            return None
        if staff.is_active and staff.check_password(password):
            return staff
        return None

    def get_user(self, user_id: int) -> PlatformStaff | None:
        return PlatformStaff.objects.filter(pk=user_id, is_active=True).first()

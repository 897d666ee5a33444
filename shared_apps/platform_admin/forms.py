"""Forms of the platform admin: staff sign-in (throttled like a company's), trial extension, typed deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.http import HttpRequest

from tenant_apps.accounts import ratelimit

# Failed staff sign-ins are counted in the same Redis counters as a company's, under this schema name.
STAFF_RATE_LIMIT_SCOPE = "platform-staff"


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Email and password of a PlatformStaff row; company users and unknown emails get the same refusal."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Enter the email and password of a platform staff account.",
        "rate_limited": "Too many failed sign-ins; please wait before trying again.",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(label="Email", max_length=254)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        ip = ratelimit.client_ip(self.request) if self.request is not None else "unknown"
        try:
            ratelimit.login_attempt_check(schema_name=STAFF_RATE_LIMIT_SCOPE, email=email, ip=ip)
        except ratelimit.RateLimitExceeded:
            raise forms.ValidationError(self.error_messages["rate_limited"], code="rate_limited") from None
        self.user_cache = authenticate(self.request, staff_email=email, password=password)
        if self.user_cache is None:
            ratelimit.login_failure_record(schema_name=STAFF_RATE_LIMIT_SCOPE, email=email, ip=ip)
            raise self.get_invalid_login_error()
        ratelimit.login_success_record(schema_name=STAFF_RATE_LIMIT_SCOPE, email=email)
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class TrialExtensionForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=14, help_text="1 to 365 days.")


class DeletionConfirmForm(forms.Form):
    subdomain = forms.CharField(max_length=63, label="Type the subdomain to confirm")

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_subdomain(self) -> str:
        typed = str(self.cleaned_data["subdomain"]).strip().lower()
        if typed != self.expected:
            raise forms.ValidationError(f"Type '{self.expected}' exactly to delete this company.")
        return typed

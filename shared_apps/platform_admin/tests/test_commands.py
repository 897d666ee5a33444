"""manage.py platform_staff_create, through call_command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shared_apps.common.testing import TEST_PASSWORD
from shared_apps.platform_admin.models import PlatformStaff


def staff_create(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("platform_staff_create", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_account_with_the_password_from_stdin(db, monkeypatch):
    output = staff_create(monkeypatch, "--email", "Ops@Atrium.Test", "--password-stdin", stdin=TEST_PASSWORD + "\n")

    staff = PlatformStaff.objects.get()
    assert (staff.email, staff.is_active) == ("ops@atrium.test", True)
    assert staff.check_password(TEST_PASSWORD)
    assert "Sign in at http://localhost/admin/" in output


def test_refuses_a_known_email_a_weak_password_and_a_missing_terminal(db, monkeypatch):
    PlatformStaff.objects.create_staff("ops@atrium.test", TEST_PASSWORD)

    with pytest.raises(CommandError) as known:
        staff_create(monkeypatch, "--email", "ops@atrium.test", "--password-stdin", stdin=TEST_PASSWORD + "\n")
    with pytest.raises(CommandError) as weak:
        staff_create(monkeypatch, "--email", "new@atrium.test", "--password-stdin", stdin="password\n")
    with pytest.raises(CommandError) as no_terminal:
        staff_create(monkeypatch, "--email", "new@atrium.test", stdin="")

    assert "--email: A platform staff account with this email already exists." in str(known.value)
    assert "--password: This password is too short." in str(weak.value)
    assert str(no_terminal.value) == "No password given: pass --password-stdin or run in a terminal."
    assert list(PlatformStaff.objects.values_list("email", flat=True)) == ["ops@atrium.test"]

"""manage.py tenant_create, tenant_delete and demo_setup, run through call_command against real schemas."""

from __future__ import annotations

import io
import json
import secrets
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context, schema_exists

from shared_apps.common.testing import TEST_PASSWORD, TestTenant
from tenant_apps.accounts.models import Invitation, Role, User
from tenants.models import Domain, Tenant


@pytest.fixture
def subdomain(test_tenants: dict[str, TestTenant], db: None) -> str:
    # test_tenants: the template schema exists once the session's tenants were made.
    return f"cmd-{secrets.token_hex(4)}"


def tenant_create(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("tenant_create", *args, stdout=out)
    return out.getvalue()


def test_tenant_create_provisions_company_domain_and_owner(subdomain):
    output = tenant_create(
        "--name", "Command Co", "--subdomain", subdomain, "--email", "Boss@Command.Example",
        "--password", TEST_PASSWORD, "--full-name", "Bo Boss",
    )  # fmt: skip

    tenant = Tenant.objects.get(schema_name=subdomain.replace("-", "_"))
    assert tenant.name == "Command Co"
    assert Domain.objects.get(tenant=tenant, is_primary=True).domain == f"{subdomain}.localhost"
    with schema_context(tenant.schema_name):
        owner = User.objects.get()
        assert (owner.email, owner.full_name, owner.role) == ("boss@command.example", "Bo Boss", Role.OWNER)
        assert owner.check_password(TEST_PASSWORD)
    assert f"URL:   http://{subdomain}.localhost/" in output

    call_command("tenant_delete", subdomain, "--yes", stdout=io.StringIO())

    assert not Tenant.objects.filter(pk=tenant.pk).exists()
    assert not schema_exists(tenant.schema_name)


def test_tenant_create_reads_the_password_from_stdin(subdomain, monkeypatch):
    tenant_create(
        "--name", "Stdin Co", "--subdomain", subdomain, "--email", "owner@stdin.example", "--password-stdin",
        stdin=TEST_PASSWORD + "\n", monkeypatch=monkeypatch,
    )  # fmt: skip

    tenant = Tenant.objects.get(domains__domain=f"{subdomain}.localhost")
    with schema_context(tenant.schema_name):
        assert User.objects.get().check_password(TEST_PASSWORD)
    call_command("tenant_delete", subdomain, "--yes", stdout=io.StringIO())


def test_tenant_create_names_each_invalid_option_and_creates_nothing(subdomain):
    tenants_before = Tenant.objects.count()

    with pytest.raises(CommandError) as raised:
        tenant_create("--name", " ", "--subdomain", "www", "--email", "not-an-email", "--password", "short")

    message = str(raised.value)
    assert message.startswith("The company was not created:\n")
    assert "  --name: Enter the company's name." in message
    assert "  --subdomain: 'www' is reserved; please choose another subdomain." in message
    assert "  --email: Enter a valid email address." in message
    assert "  --password: This password is too short. It must contain at least 10 characters." in message
    assert Tenant.objects.count() == tenants_before


def test_tenant_create_refuses_a_taken_subdomain(acme):
    with pytest.raises(CommandError, match="--subdomain: 'acme' is already taken."):
        tenant_create("--name", "Acme 2", "--subdomain", "acme", "--email", "x@acme.example", "--password", "x" * 12)


def test_tenant_create_without_password_and_terminal_asks_for_one(subdomain, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="No password given"):
        tenant_create("--name", "No Password Co", "--subdomain", subdomain, "--email", "owner@nopass.example")

    assert not Tenant.objects.filter(domains__domain=f"{subdomain}.localhost").exists()


def test_tenant_delete_unknown_subdomain_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No company has the subdomain 'nobody-here'."):
        call_command("tenant_delete", "nobody-here", "--yes")


def test_tenant_delete_keeps_the_company_when_confirmation_does_not_match(acme, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "acme-typo")

    with pytest.raises(CommandError, match="Not deleted: the subdomain typed did not match."):
        call_command("tenant_delete", "acme", stdout=io.StringIO())

    assert Tenant.objects.filter(schema_name=acme.schema_name).exists()
    assert schema_exists(acme.schema_name)


def test_tenant_delete_deletes_after_the_subdomain_is_typed(subdomain, monkeypatch):
    tenant_create("--name", "Typed Co", "--subdomain", subdomain, "--email", "o@typed.example", "--password", "x" * 12)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: f" {subdomain.upper()} ")
    out = io.StringIO()

    call_command("tenant_delete", subdomain, stdout=out)

    assert not Tenant.objects.filter(domains__domain=f"{subdomain}.localhost").exists()
    assert not schema_exists(subdomain.replace("-", "_"))
    assert out.getvalue().endswith(f"Deleted Typed Co (schema {subdomain.replace('-', '_')}).\n")


def test_tenant_delete_without_terminal_or_yes_deletes_nothing(acme, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="pass --yes"):
        call_command("tenant_delete", "acme")

    assert schema_exists(acme.schema_name)


def test_demo_setup_makes_the_demo_company_once_and_keeps_its_password(test_tenants, db, tmp_path):
    credentials = tmp_path / "demo-credentials.json"

    call_command("demo_setup", "--credentials-file", str(credentials), stdout=io.StringIO())
    stored = json.loads(credentials.read_text())
    second_output = io.StringIO()
    call_command("demo_setup", "--credentials-file", str(credentials), stdout=second_output)

    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert json.loads(credentials.read_text()) == stored
    assert "added" not in second_output.getvalue()
    tenant = Tenant.objects.get(schema_name="demo")
    assert (tenant.name, tenant.timezone, tenant.currency) == ("Demo Company", "Europe/Berlin", "EUR")
    with schema_context("demo"):
        users = {user.email: user for user in User.objects.all()}
        assert {email: user.role for email, user in users.items()} == {
            "owner@demo.example": Role.OWNER,
            "admin@demo.example": Role.ADMIN,
            "member@demo.example": Role.MEMBER,
        }
        assert all(user.check_password(stored["password"]) for user in users.values())
        assert [(i.email, i.status) for i in Invitation.objects.all()] == [("invitee@demo.example", "pending")]


def test_demo_setup_without_credentials_file_resets_the_demo_passwords(test_tenants, db, tmp_path):
    credentials = tmp_path / "demo-credentials.json"
    call_command("demo_setup", "--credentials-file", str(credentials), stdout=io.StringIO())
    old_password = json.loads(credentials.read_text())["password"]
    credentials.unlink()

    call_command("demo_setup", "--credentials-file", str(credentials), stdout=io.StringIO())

    new_password = json.loads(credentials.read_text())["password"]
    assert new_password != old_password
    with schema_context("demo"):
        owner = User.objects.get(email="owner@demo.example")
        assert owner.check_password(new_password)
        assert not owner.check_password(old_password)

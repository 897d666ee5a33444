"""tenant_backup and tenant_restore round-trip one company through pg_dump/pg_restore on the real PostgreSQL.

These tests commit (pg_dump is another process and sees only committed data), so they make their own company
and delete it at the end; the session's acme and globex are only read.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import ApiToken, Role, User
from tenants.models import Domain, Tenant
from tenants.provisioning import tenant_delete, tenant_provision
from tenants.schemas import schema_is_current

SUBDOMAIN = "backupco"
LOGO = b"\x89PNG\r\n\x1a\n-not-really-a-logo"


def _company() -> dict[str, Any]:
    """What the test reads back after a restore: rows in the tenant schema and in public."""
    tenant = Tenant.objects.get(schema_name=SUBDOMAIN)
    with schema_context(tenant.schema_name):
        users = sorted(User.objects.values_list("email", "role", "password"))
        tokens = sorted(ApiToken.objects.values_list("name", "key_hash"))
    return {
        "tenant": (tenant.pk, tenant.name, tenant.schema_name, tenant.currency, tenant.logo_path),
        "domains": sorted(Domain.objects.filter(tenant=tenant).values_list("domain", "is_primary")),
        "users": users,
        "tokens": tokens,
    }


@pytest.fixture
def company(test_tenants: dict[str, TestTenant], django_db_blocker: Any, settings, tmp_path) -> Iterator[Tenant]:
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        provisioned = tenant_provision(
            company_name="Backup Co",
            subdomain=SUBDOMAIN,
            admin_email="owner@backupco.test",
            admin_password=TEST_PASSWORD,
        )
        tenant = provisioned.tenant
        Domain.objects.create(domain="crm.backupco.test", tenant=tenant, is_primary=False)
        tenant.currency = "EUR"
        tenant.logo_path = f"tenants/{tenant.pk}/logo-1.png"
        tenant.save(update_fields=["currency", "logo_path"])
        with schema_context(tenant.schema_name):
            member = User.objects.create_user(email="member@backupco.test", password=TEST_PASSWORD, role=Role.MEMBER)
            ApiToken.objects.create(user=member, name="ci", key_hash="0" * 64, prefix="atr_0000")
    logo = settings.MEDIA_ROOT / tenant.logo_path
    logo.parent.mkdir(parents=True)
    logo.write_bytes(LOGO)
    yield tenant
    with django_db_blocker.unblock():
        left = Tenant.objects.filter(schema_name=SUBDOMAIN).first()
        if left is not None:
            tenant_delete(tenant=left)


def test_a_deleted_company_comes_back_whole(company, django_db_blocker, settings, tmp_path):
    backup = tmp_path / "backupco.tar"
    with django_db_blocker.unblock():
        before = _company()
        call_command("tenant_backup", SUBDOMAIN, str(backup), stdout=io.StringIO())
        tenant_delete(tenant=Tenant.objects.get(schema_name=SUBDOMAIN))
        assert not schema_exists(SUBDOMAIN)
        assert api_client("backupco.localhost").get("/healthz").status_code == 404

        out = io.StringIO()
        call_command("tenant_restore", str(backup), stdout=out)

        assert _company() == before
        assert schema_is_current(SUBDOMAIN)
        assert api_client("backupco.localhost").get("/healthz").status_code == 200
        login = api_client("backupco.localhost").post(
            "/api/auth/login", {"email": "member@backupco.test", "password": TEST_PASSWORD}, format="json"
        )
        assert login.status_code == 200
    assert (settings.MEDIA_ROOT / before["tenant"][4]).read_bytes() == LOGO
    assert out.getvalue().strip() == ("Restored Backup Co (schema backupco) at backupco.localhost, crm.backupco.test.")


def test_the_backup_holds_schema_public_rows_and_files(company, django_db_blocker, tmp_path):
    backup = tmp_path / "backupco.tar"
    with django_db_blocker.unblock():
        call_command("tenant_backup", SUBDOMAIN, str(backup), stdout=io.StringIO())

    with tarfile.open(backup) as archive:
        names = set(archive.getnames())
        manifest_file = archive.extractfile("manifest.json")
        public_file = archive.extractfile("public.json")
        assert manifest_file is not None
        assert public_file is not None
        manifest = json.loads(manifest_file.read())
        public = json.loads(public_file.read())

    assert {"manifest.json", "public.json", "schema.dump", "media/logo-1.png"} <= names
    assert manifest["schema_name"] == SUBDOMAIN
    assert manifest["domains"] == ["backupco.localhost", "crm.backupco.test"]
    assert [row["model"] for row in public][:3] == ["tenants.tenant", "tenants.domain", "tenants.domain"]
    assert all(row["fields"].get("tenant", company.pk) == company.pk for row in public)


def test_restoring_over_an_existing_company_is_refused_and_changes_nothing(company, django_db_blocker, tmp_path):
    backup = tmp_path / "backupco.tar"
    with django_db_blocker.unblock():
        call_command("tenant_backup", SUBDOMAIN, str(backup), stdout=io.StringIO())
        before = _company()

        with pytest.raises(CommandError) as refused:
            call_command("tenant_restore", str(backup), stdout=io.StringIO())

        assert str(refused.value) == "The schema backupco exists in this database; delete that company first."
        assert _company() == before


def test_a_file_that_is_not_a_backup_is_refused(django_db_blocker, tmp_path):
    not_a_tar = tmp_path / "notes.txt"
    not_a_tar.write_text("hello")
    other_tar = tmp_path / "other.tar"
    with tarfile.open(other_tar, "w") as archive:
        archive.add(not_a_tar, arcname="notes.txt")

    with django_db_blocker.unblock():
        with pytest.raises(CommandError) as garbage:
            call_command("tenant_restore", str(not_a_tar))
        with pytest.raises(CommandError) as foreign:
            call_command("tenant_restore", str(other_tar))
        tenants = Tenant.objects.count()

    assert str(garbage.value).startswith(f"Cannot read {not_a_tar}:")
    assert str(foreign.value) == "This is not an Atrium company backup: manifest.json is missing."
    assert tenants >= 2


def test_backing_up_an_unknown_company_says_so(django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), pytest.raises(CommandError) as unknown:
        call_command("tenant_backup", "no-such-company", str(tmp_path / "x.tar"))

    assert str(unknown.value) == "No company has the subdomain 'no-such-company'."
    assert not (tmp_path / "x.tar").exists()

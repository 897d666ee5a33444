"""Provisioning a company: field errors, all-or-nothing, spares vs template clone, concurrent signups."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django_tenants.utils import schema_context, schema_exists

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import Role, User
from tenant_apps.mail.storage import blob_path, blob_write, mail_blob_root
from tenants.db import connection
from tenants.models import Domain, SpareSchema, Tenant
from tenants.pool import _spare_create, pool_refill
from tenants.provisioning import ProvisioningUnavailable, tenant_delete, tenant_provision
from tenants.schemas import quote_identifier


def provision(subdomain: str, **overrides: Any):
    arguments = {
        "company_name": f"{subdomain} Ltd",
        "subdomain": subdomain,
        "admin_email": f"boss@{subdomain}.test",
        "admin_password": TEST_PASSWORD,
    }
    arguments.update(overrides)
    return tenant_provision(**arguments)


def platform_state() -> tuple[int, int, int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY nspname")
        schemas = [name for (name,) in cursor.fetchall()]
    return Tenant.objects.count(), Domain.objects.count(), SpareSchema.objects.count(), schemas


def spare_pool_empty() -> None:
    """Drop every spare, so a test knows which one a signup takes: a Celery worker of an earlier test may have
    refilled the pool."""
    SpareSchema.objects.all().delete()
    pool_refill(size=0)  # drops the spare schemas that no longer have a row
    assert not SpareSchema.objects.exists()


def test_provision_takes_a_spare_and_creates_owner(db, test_tenants):
    spare_pool_empty()
    spare = _spare_create()

    result = provision("initech", admin_email="Peter@Initech.TEST", admin_full_name="Peter Gibbons")

    assert result.schema_source == "spare"
    assert not schema_exists(spare)
    assert not SpareSchema.objects.filter(schema_name=spare).exists()
    assert result.tenant.schema_name == "initech"
    assert result.tenant.name == "initech Ltd"
    assert result.domain.domain == "initech.localhost"
    assert result.domain.is_primary
    with schema_context("initech"):
        owner = User.objects.get()
        assert owner.email == "peter@initech.test"
        assert owner.full_name == "Peter Gibbons"
        assert owner.role == Role.OWNER
        assert owner.check_password(TEST_PASSWORD)
        # The identity sequence continues from the ready-made schema.
        second = User.objects.create_user("second@initech.test", TEST_PASSWORD)
        assert second.pk == owner.pk + 1


def test_provision_clones_template_when_pool_is_empty(db, test_tenants):
    SpareSchema.objects.all().delete()  # rows only; rolled back with the test

    result = provision("hooli")

    assert result.schema_source == "clone"
    with schema_context("hooli"):
        assert User.objects.get().role == Role.OWNER


def test_stale_template_is_never_cloned(db, test_tenants):
    SpareSchema.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM __template.django_migrations WHERE app = 'accounts'")
    before = platform_state()

    with pytest.raises(ProvisioningUnavailable, match="run `manage.py tenants_migrate`"):
        provision("too-early")

    assert platform_state() == before


def test_provisioned_host_answers_after_commit(db, test_tenants, django_capture_on_commit_callbacks):
    client = api_client("umbrella.localhost")
    assert client.get("/healthz").status_code == 404  # now cached as unknown

    with django_capture_on_commit_callbacks(execute=True):
        provision("umbrella")

    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("ab", "A subdomain has 3 to 63 characters."),
        ("a" * 64, "A subdomain has 3 to 63 characters."),
        ("-abc", "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'."),
        ("abc-", "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'."),
        ("a_bc", "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'."),
        ("acmé", "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'."),
        ("a.bc", "A subdomain may contain only letters a-z, digits and '-', and cannot start or end with '-'."),
        ("www", "'www' is reserved; please choose another subdomain."),
        ("API", "'api' is reserved; please choose another subdomain."),
        ("flower", "'flower' is reserved; please choose another subdomain."),
        ("pg-catalog", "'pg-catalog' is reserved; please choose another subdomain."),
        ("information-schema", "'information-schema' is reserved; please choose another subdomain."),
        ("xn--80ak6aa92e", "'xn--80ak6aa92e' is reserved; please choose another subdomain."),
        ("acme", "'acme' is already taken."),
        (" Globex ", "'globex' is already taken."),
    ],
)
def test_bad_subdomain_is_a_field_error_and_changes_nothing(db, test_tenants, subdomain, message):
    before = platform_state()

    with pytest.raises(ValidationError) as raised:
        provision(subdomain, admin_email="boss@example.test")

    assert raised.value.message_dict == {"subdomain": [message]}
    assert platform_state() == before


def test_other_bad_fields_are_reported_together(db, test_tenants):
    before = platform_state()

    with pytest.raises(ValidationError) as raised:
        provision("fine-name", company_name="  ", admin_email="not-an-email", admin_password="123")

    errors = raised.value.message_dict
    assert errors["company_name"] == ["Enter the company's name."]
    assert errors["admin_email"] == ["Enter a valid email address."]
    assert "This password is too short. It must contain at least 10 characters." in errors["admin_password"]
    assert "subdomain" not in errors
    assert platform_state() == before


def test_failure_midway_leaves_nothing_behind(db, test_tenants, monkeypatch):
    spare = _spare_create()
    before = platform_state()

    def broken_create(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(User.objects, "create", broken_create)
    with pytest.raises(RuntimeError, match="disk full"):
        provision("wayne-enterprises")

    assert platform_state() == before
    assert schema_exists(spare)
    assert not schema_exists("wayne_enterprises")
    assert not Domain.objects.filter(domain="wayne-enterprises.localhost").exists()


def test_stale_spare_is_never_handed_out(db, test_tenants):
    spare_pool_empty()
    behind = _spare_create()
    ahead = _spare_create()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote_identifier(behind)}.django_migrations WHERE app = 'accounts'")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {quote_identifier(ahead)}.django_migrations (app, name, applied) "  # noqa: S608
            "VALUES ('accounts', '9999_from_the_future', now())"
        )

    result = provision("stark-industries")

    assert result.schema_source == "clone"
    assert schema_exists(behind)
    assert schema_exists(ahead)
    assert not SpareSchema.objects.filter(schema_name__in=[behind, ahead]).exists()

    report = pool_refill(size=1)

    assert report.spares_dropped == 2
    assert not schema_exists(behind)
    assert not schema_exists(ahead)
    assert list(SpareSchema.objects.values_list("schema_name", flat=True)) != []


def test_tenant_schemas_are_self_contained(test_tenants: dict[str, TestTenant], db):
    """No table, default or sequence of a tenant schema depends on another schema (Citus schema sharding)."""
    for tenant in test_tenants.values():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT con.conname, target_ns.nspname
                FROM pg_constraint con
                JOIN pg_class source ON source.oid = con.conrelid
                JOIN pg_namespace source_ns ON source_ns.oid = source.relnamespace
                JOIN pg_class target ON target.oid = con.confrelid
                JOIN pg_namespace target_ns ON target_ns.oid = target.relnamespace
                WHERE con.contype = 'f' AND source_ns.nspname = %s AND target_ns.nspname <> source_ns.nspname
                """,
                [tenant.schema_name],
            )
            assert cursor.fetchall() == []
            cursor.execute(
                """
                SELECT DISTINCT ref_ns.nspname
                FROM pg_depend dep
                JOIN pg_class obj ON dep.classid = 'pg_class'::regclass AND obj.oid = dep.objid
                JOIN pg_namespace obj_ns ON obj_ns.oid = obj.relnamespace
                JOIN pg_class ref ON dep.refclassid = 'pg_class'::regclass AND ref.oid = dep.refobjid
                JOIN pg_namespace ref_ns ON ref_ns.oid = ref.relnamespace
                WHERE obj_ns.nspname = %s AND ref_ns.nspname <> obj_ns.nspname
                """,
                [tenant.schema_name],
            )
            assert cursor.fetchall() == []
            cursor.execute(
                """
                SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
                FROM pg_attrdef d
                JOIN pg_class c ON c.oid = d.adrelid
                JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = %s AND pg_get_expr(d.adbin, d.adrelid) LIKE '%%.%%'
                """,
                [tenant.schema_name],
            )
            assert cursor.fetchall() == []


def schema_signature(schema_name: str) -> dict[str, Any]:
    """Tables, columns, indexes and constraints of a schema, with the schema's own name taken out."""
    own = [f"{quote_identifier(schema_name)}.", f"{schema_name}."]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, column_name",
            [schema_name],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname, replace(replace(indexdef, %s, 'S.'), %s, 'S.') FROM pg_indexes "
            "WHERE schemaname = %s ORDER BY tablename, indexname",
            [*own, schema_name],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT cls.relname, con.conname, con.contype, replace(replace(pg_get_constraintdef(con.oid), %s, 'S.'), "
            "%s, 'S.') FROM pg_constraint con JOIN pg_class cls ON cls.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = cls.relnamespace WHERE n.nspname = %s ORDER BY 1, 2",
            [*own, schema_name],
        )
        constraints = cursor.fetchall()
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def test_provisioned_schema_has_the_template_structure(acme: TestTenant):
    template = schema_signature("__template")
    tenant = schema_signature(acme.schema_name)

    assert len(template["columns"]) > 20
    assert tenant == template


def test_tenant_delete_drops_schema_rows_route_and_files(
    db, test_tenants, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        result = provision("soylent")
    client = api_client("soylent.localhost")
    assert client.get("/healthz").status_code == 200
    logo = tmp_path / "tenants" / str(result.tenant.pk) / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"png")
    mail_blob = blob_write(mail_blob_root("soylent"), b"a stored message")
    neighbour = blob_write(mail_blob_root("acme"), b"another company's message")
    assert blob_path(mail_blob_root("soylent"), mail_blob).exists()

    tenant_delete(tenant=result.tenant)

    assert not (tmp_path / "tenants" / str(result.tenant.pk)).exists()
    assert not (tmp_path / "tenants" / "soylent").exists()
    assert blob_path(mail_blob_root("acme"), neighbour).read_bytes() == b"another company's message"
    assert not schema_exists("soylent")
    assert not Tenant.objects.filter(schema_name="soylent").exists()
    assert not Domain.objects.filter(domain="soylent.localhost").exists()
    assert client.get("/healthz").status_code == 404


def _race(subdomains: list[str]) -> list[Any]:
    """Provision each subdomain from its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(subdomains))
    outcomes: list[Any] = [None] * len(subdomains)

    def signup(index: int, subdomain: str) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = provision(subdomain)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=signup, args=(i, name)) for i, name in enumerate(subdomains)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_signups_never_share_a_spare(test_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        pool_refill(size=2)
        spares = set(SpareSchema.objects.values_list("schema_name", flat=True))
        try:
            outcomes = _race(["race-one", "race-two"])

            assert [type(outcome).__name__ for outcome in outcomes] == ["ProvisionedTenant", "ProvisionedTenant"]
            assert {outcome.schema_source for outcome in outcomes} == {"spare"}
            assert {outcome.tenant.schema_name for outcome in outcomes} == {"race_one", "race_two"}
            assert SpareSchema.objects.filter(schema_name__in=spares).count() == 0
            for outcome in outcomes:
                with schema_context(outcome.tenant.schema_name):
                    assert User.objects.count() == 1
        finally:
            for tenant in Tenant.objects.filter(schema_name__in=["race_one", "race_two"]):
                tenant_delete(tenant=tenant)


def test_concurrent_signups_for_one_subdomain_give_it_to_one(test_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        pool_refill(size=2)
        try:
            outcomes = _race(["same-name", "same-name"])

            winners = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
            losers = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
            assert len(winners) == 1
            assert len(losers) == 1
            assert isinstance(losers[0], ValidationError)
            assert losers[0].message_dict == {"subdomain": ["'same-name' is already taken."]}
            assert Tenant.objects.filter(schema_name="same_name").count() == 1
            # The loser's spare went back to the pool.
            assert SpareSchema.objects.count() == 1
        finally:
            for tenant in Tenant.objects.filter(schema_name="same_name"):
                tenant_delete(tenant=tenant)

"""The companies page of the platform admin: plan, state and usage per company, and the audited staff actions."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from shared_apps.billing.models import BillingAccount, BillingStatus, Plan, PlatformAuditEntry
from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from shared_apps.platform_admin.models import PlatformStaff
from shared_apps.platform_admin.tests.conftest import public_browser
from tenant_apps.accounts.models import User
from tenants.models import Tenant
from tenants.provisioning import tenant_provision

CHANGELIST = "/admin/tenants/tenant/"


def row_of(html: str, name: str) -> dict[str, str]:
    """The changelist row of the company `name`: column class → cell text."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    row = next(r for r in rows if f">{name}</a>" in r)
    cells = re.findall(r'<t[dh] class="field-([a-z_]+)"[^>]*>(.*?)</t[dh]>', row, flags=re.S)
    return {field: re.sub(r"<[^>]+>", "", text).strip() for field, text in cells}


def schema_storage(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(format('%%I.%%I', schemaname, tablename)::regclass))"
            " FROM pg_tables WHERE schemaname = %s",
            [schema_name],
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def starter(db: None) -> Plan:
    return Plan.objects.create(code="starter", name="Starter", max_users=5, is_default=True)


@pytest.fixture
def acme_account(acme: TestTenant, starter: Plan) -> BillingAccount:
    return BillingAccount.objects.create(
        tenant_id=acme.tenant_id,
        plan=starter,
        status=BillingStatus.TRIALING,
        trial_ends_at=timezone.now() + timedelta(days=3),
    )


def selected(action: str, *tenants: TestTenant, **extra: Any) -> dict[str, Any]:
    return {"action": action, "_selected_action": [str(t.tenant_id) for t in tenants], **extra}


def test_staff_see_every_company_with_plan_state_and_usage(
    staff_client, acme: TestTenant, globex: TestTenant, acme_account: BillingAccount
):
    with schema_context(acme.schema_name):
        User.objects.create_user("second@acme.test", TEST_PASSWORD)
        User.objects.create_user("left@acme.test", TEST_PASSWORD, is_active=False)

    with CaptureQueriesContext(connection) as queries:
        page = staff_client.get(CHANGELIST)

    assert page.status_code == 200
    html = page.content.decode()
    acme_row, globex_row = row_of(html, "Acme Corp"), row_of(html, "Globex Inc")
    mail = "0" if apps.is_installed("tenant_apps.mail") else "—"
    assert {key: acme_row[key] for key in ("subdomain", "plan", "users", "mail_accounts")} == {
        "subdomain": "acme",
        "plan": "Starter",
        "users": "2",
        "mail_accounts": mail,
    }
    assert acme_row["subscription"] == f"Trialing until {acme_account.trial_ends_at:%Y-%m-%d}"
    assert acme_row["storage"] == f"{schema_storage(acme.schema_name) / (1024 * 1024):.1f} MB"
    assert {key: globex_row[key] for key in ("subdomain", "plan", "subscription", "users")} == {
        "subdomain": "globex",
        "plan": "unlimited (no billing account)",
        "subscription": "—",
        "users": "1",
    }
    # one query reads the usage of the whole page, not one per company
    assert len([q for q in queries.captured_queries if '"accounts_user"' in q["sql"]]) == 1


def test_usage_of_a_company_without_its_tables_is_shown_as_unknown(staff_client, acme: TestTenant):
    from shared_apps.platform_admin.selectors import tenant_usage

    tenant = Tenant(pk=10**9, schema_name="no_such_schema")

    usage = tenant_usage(tenants=[tenant, Tenant.objects.get(pk=acme.tenant_id)])

    assert (usage[10**9].users, usage[10**9].mail_accounts, usage[10**9].storage_bytes) == (None, None, 0)
    assert usage[acme.tenant_id].users == 1


def test_extend_trial_asks_for_days_then_extends_and_audits(
    staff_client, staff: PlatformStaff, acme: TestTenant, globex: TestTenant, acme_account: BillingAccount
):
    before = acme_account.trial_ends_at
    assert before is not None

    asked = staff_client.post(CHANGELIST, selected("extend_trial", acme))
    invalid = staff_client.post(CHANGELIST, selected("extend_trial", acme, apply="1", days="0"))
    unchanged = BillingAccount.objects.get(pk=acme_account.pk).trial_ends_at
    audits_before = PlatformAuditEntry.objects.count()
    done = staff_client.post(CHANGELIST, selected("extend_trial", acme, apply="1", days="10"))

    assert asked.status_code == 200
    assert b'name="days"' in asked.content
    assert invalid.status_code == 200
    assert b"Ensure this value is greater than or equal to 1." in invalid.content
    assert unchanged == before
    assert audits_before == 0
    assert done.status_code == 302
    account = BillingAccount.objects.get(pk=acme_account.pk)
    assert account.trial_ends_at == before + timedelta(days=10)
    entry = PlatformAuditEntry.objects.get()
    assert (entry.actor_email, entry.action, entry.tenant_id_snapshot, entry.schema_name) == (
        staff.email,
        "trial_extended",
        acme.tenant_id,
        acme.schema_name,
    )
    assert entry.detail == {"days": 10, "trial_ends_at": account.trial_ends_at.isoformat()}
    assert not BillingAccount.objects.filter(tenant_id=globex.tenant_id).exists()


def test_suspend_makes_the_company_read_only_and_unsuspend_restores_it(
    staff_client, staff: PlatformStaff, acme: TestTenant, globex: TestTenant, acme_account: BillingAccount
):
    owner = api_client(acme.hostname)
    signed_in = owner.post("/api/auth/login", {"email": acme.owner_email, "password": TEST_PASSWORD}, format="json")
    assert signed_in.status_code == 200

    suspended = staff_client.post(CHANGELIST, selected("suspend", acme))
    write_while_suspended = owner.post("/api/tokens", {"name": "ci"}, format="json")
    read_while_suspended = owner.get("/api/auth/me")
    again = staff_client.post(CHANGELIST, selected("suspend", acme))
    lifted = staff_client.post(CHANGELIST, selected("unsuspend", acme))
    write_after = owner.post("/api/tokens", {"name": "ci"}, format="json")

    assert (suspended.status_code, again.status_code, lifted.status_code) == (302, 302, 302)
    assert write_while_suspended.status_code == 403
    assert write_while_suspended.json()["error"]["code"] == "tenant_read_only"
    assert read_while_suspended.status_code == 200
    assert write_after.status_code == 201
    assert BillingAccount.objects.get(pk=acme_account.pk).suspended_at is None
    # suspending twice is one change; globex was never touched
    assert list(PlatformAuditEntry.objects.order_by("id").values_list("action", "schema_name", "actor_email")) == [
        ("suspended", acme.schema_name, staff.email),
        ("unsuspended", acme.schema_name, staff.email),
    ]
    assert not BillingAccount.objects.filter(tenant_id=globex.tenant_id).exists()


@pytest.fixture
def doomed(test_tenants: dict[str, TestTenant], db: None) -> Tenant:
    return tenant_provision(
        company_name="Doomed Ltd", subdomain="doomed", admin_email="owner@doomed.test", admin_password=TEST_PASSWORD
    ).tenant


def test_delete_needs_the_typed_subdomain_then_drops_the_company_and_audits(
    staff_client, staff: PlatformStaff, doomed: Tenant, acme: TestTenant
):
    url = f"{CHANGELIST}{doomed.pk}/delete/"

    page = staff_client.get(url)
    untyped = staff_client.post(url, {})
    mistyped = staff_client.post(url, {"subdomain": "acme"})
    survived = Tenant.objects.filter(pk=doomed.pk).exists() and schema_exists("doomed")
    audits_before = PlatformAuditEntry.objects.count()
    confirmed = staff_client.post(url, {"subdomain": "doomed"})

    assert page.status_code == 200
    assert b"Type <code>doomed</code> to confirm." in page.content
    assert (untyped.status_code, mistyped.status_code) == (200, 200)
    assert b"Type &#x27;doomed&#x27; exactly to delete this company." in mistyped.content
    assert survived
    assert audits_before == 0
    assert confirmed.status_code == 302
    assert confirmed["Location"] == CHANGELIST
    assert not Tenant.objects.filter(pk=doomed.pk).exists()
    assert not schema_exists("doomed")
    entry = PlatformAuditEntry.objects.get()
    assert (entry.action, entry.tenant_name, entry.schema_name, entry.actor_email) == (
        "deleted",
        "Doomed Ltd",
        "doomed",
        staff.email,
    )
    assert entry.detail == {"domains": ["doomed.localhost"]}
    assert Tenant.objects.filter(pk=acme.tenant_id).exists()


def test_the_bulk_delete_action_is_not_offered(staff_client, acme: TestTenant):
    page = staff_client.get(CHANGELIST)
    bulk = staff_client.post(CHANGELIST, selected("delete_selected", acme, post="yes"))

    assert b'value="delete_selected"' not in page.content
    assert bulk.status_code == 302  # back to the list: Django does not know the action
    assert Tenant.objects.filter(pk=acme.tenant_id).exists()


def test_without_staff_sign_in_nothing_changes(
    db, acme: TestTenant, acme_account: BillingAccount, doomed: Tenant, staff: PlatformStaff
):
    from tenant_apps.accounts.models import User as CompanyUser

    anonymous = public_browser()
    company_user_session = public_browser()
    # a public-schema user row (not staff) signed in the ordinary way must not pass either
    CompanyUser.objects.create_user("someone@public.test", TEST_PASSWORD)
    company_user_session.login(email="someone@public.test", password=TEST_PASSWORD)

    answers = []
    for client in (anonymous, company_user_session):
        answers.append(client.post(CHANGELIST, selected("suspend", acme)).status_code)
        answers.append(client.post(CHANGELIST, selected("extend_trial", acme, apply="1", days="30")).status_code)
        answers.append(client.post(f"{CHANGELIST}{doomed.pk}/delete/", {"subdomain": "doomed"}).status_code)
        answers.append(client.get("/admin/billing/plan/").status_code)

    assert answers == [302] * 8
    account = BillingAccount.objects.get(pk=acme_account.pk)
    assert (account.suspended_at, account.trial_ends_at) == (None, acme_account.trial_ends_at)
    assert Tenant.objects.filter(pk=doomed.pk).exists()
    assert PlatformAuditEntry.objects.count() == 0


def test_plans_are_editable_by_staff(staff_client, starter: Plan):
    form = {
        "code": "team", "name": "Team", "description": "", "max_users": "25", "max_mail_accounts": "25",
        "max_storage_mb": "", "max_contacts": "", "stripe_price_id": "price_team", "monthly_price_cents": "2900",
        "currency": "EUR", "trial_days": "14", "is_public": "on", "sort_order": "2",
    }  # fmt: skip

    created = staff_client.post("/admin/billing/plan/add/", form)
    changed = staff_client.post(
        f"/admin/billing/plan/{starter.pk}/change/",
        {**form, "code": "starter", "name": "Starter", "max_users": "8", "stripe_price_id": ""},
    )

    assert (created.status_code, changed.status_code) == (302, 302)
    team = Plan.objects.get(code="team")
    assert (team.max_users, team.max_storage_mb, team.stripe_price_id) == (25, None, "price_team")
    assert team.monthly_price_cents == 2900
    assert Plan.objects.get(pk=starter.pk).max_users == 8


@pytest.mark.parametrize(
    "path",
    [
        "/admin/tenants/tenant/abc/change/",
        "/admin/tenants/tenant/abc/delete/",
        "/admin/tenants/tenant/99999999999999999999999/change/",
        "/admin/tenants/tenant/99999999999999999999999/delete/",
        "/admin/tenants/tenant/-1/delete/",
        "/admin/billing/plan/%00/change/",
        "/admin/billing/platformauditentry/1/change/",
        "/admin/tenants/tenant/?billing_account__status=nonsense",
        "/admin/tenants/tenant/?o=99.x",
        "/admin/tenants/tenant/?p=99999",
        "/admin/tenants/tenant/?billing_account__plan__id__exact=abc",
        "/admin/tenants/tenant/?q=%00",
        "/admin/no_such_app/",
    ],
)
def test_odd_admin_urls_never_answer_500(staff_client, acme: TestTenant, path):
    answer = staff_client.get(path)

    assert answer.status_code in (200, 302, 404)


@pytest.mark.parametrize("ids", [["abc"], ["99999999999999999999999"], [""], ["-1"]])
def test_odd_selected_ids_in_an_action_never_answer_500(staff_client, acme: TestTenant, acme_account, ids):
    answer = staff_client.post(CHANGELIST, {"action": "suspend", "_selected_action": ids})

    assert answer.status_code in (200, 302)
    assert BillingAccount.objects.get(pk=acme_account.pk).suspended_at is None

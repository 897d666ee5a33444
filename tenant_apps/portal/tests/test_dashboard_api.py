"""GET /api/dashboard: per-day mail counts in the company's time zone, unread and sync health per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import Person
from tenant_apps.portal.dashboard import DASHBOARD_DAYS
from tenant_apps.portal.tests.conftest import mailbox_make, message_make
from tenants.models import Tenant


def _days(body: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {day["day"]: (day["received"], day["sent"]) for day in body["days"]}


def test_mail_is_counted_per_day_in_the_company_time_zone(acme: TestTenant, acme_owner: Person):
    # given a company in Tokyo (UTC+9) and mail received at 23:30 UTC yesterday, which is today in Tokyo
    Tenant.objects.filter(pk=acme.tenant_id).update(timezone="Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    today = timezone.now().astimezone(tokyo).date()
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    local_morning = datetime(today.year, today.month, today.day, 8, 30, tzinfo=tokyo)
    message_make(acme, mailbox, at=local_morning - timedelta(hours=1))
    message_make(acme, mailbox, at=local_morning)
    message_make(acme, mailbox, folder="sent", at=local_morning)
    message_make(acme, mailbox, folder="trash", at=local_morning)
    message_make(acme, mailbox, at=local_morning - timedelta(days=3))
    message_make(acme, mailbox, at=local_morning - timedelta(days=DASHBOARD_DAYS + 1))

    # when
    response = acme_owner.client.get("/api/dashboard")

    # then 30 days end today in Tokyo; trash is neither received nor sent; older mail is left out
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["timezone"] == "Asia/Tokyo"
    days = _days(body)
    assert len(days) == DASHBOARD_DAYS
    assert max(days) == today.isoformat()
    assert min(days) == (today - timedelta(days=DASHBOARD_DAYS - 1)).isoformat()
    assert days[today.isoformat()] == (2, 1)
    assert days[(today - timedelta(days=3)).isoformat()] == (1, 0)
    assert sum(received for received, _ in days.values()) == 3


def test_unread_and_sync_health_per_account(acme: TestTenant, acme_owner: Person):
    # given two accounts, one of them refused by its server an hour after its last sync
    now = timezone.now()
    healthy = mailbox_make(acme, owner_email=acme.owner_email, address="info@acme.test", last_synced_at=now)
    broken = mailbox_make(
        acme,
        owner_email=acme.owner_email,
        address="ops@acme.test",
        status="auth_failed",
        status_message="[AUTHENTICATIONFAILED] Authentication failed.",
        last_synced_at=now - timedelta(hours=1),
    )
    message_make(acme, healthy, at=now)
    message_make(acme, healthy, at=now, is_read=True)
    message_make(acme, healthy, folder="trash", at=now)
    message_make(acme, broken, at=now)
    message_make(acme, broken, at=now)

    # when
    accounts = acme_owner.client.get("/api/dashboard").json()["accounts"]

    # then
    assert [(a["email_address"], a["unread"], a["status"]) for a in accounts] == [
        ("info@acme.test", 1, "ok"),
        ("ops@acme.test", 2, "auth_failed"),
    ]
    assert accounts[1]["status_message"] == "[AUTHENTICATIONFAILED] Authentication failed."
    assert 3600 <= accounts[1]["lag_seconds"] < 3700
    assert 0 <= accounts[0]["lag_seconds"] < 100


def test_a_member_sees_only_the_mail_they_may_read(acme: TestTenant, acme_owner: Person, acme_member: Person):
    # given the owner's account and no account of the member's
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="boss@acme.test")
    message_make(acme, mailbox, at=timezone.now())

    # when the member opens the dashboard
    body = acme_member.client.get("/api/dashboard").json()

    # then nothing of the owner's mail is counted
    assert body["accounts"] == []
    assert all(day == (0, 0) for day in _days(body).values())


def test_dashboard_needs_a_signed_in_user(acme: TestTenant):
    response = api_client(acme.hostname).get("/api/dashboard")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_dashboard_of_one_company_never_counts_another_companys_mail(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person
):
    # given mail at acme only
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    message_make(acme, mailbox, at=datetime.now(UTC))

    # when globex's owner opens the dashboard, and acme's session cookie is tried at globex
    globex_body = globex_owner.client.get("/api/dashboard").json()
    foreign = api_client(globex.hostname)
    foreign.cookies[settings.SESSION_COOKIE_NAME] = acme_owner.client.cookies[settings.SESSION_COOKIE_NAME].value
    foreign_response = foreign.get("/api/dashboard")

    # then globex sees none of it, and acme's session means nothing there
    assert globex_body["accounts"] == []
    assert all(day == (0, 0) for day in _days(globex_body).values())
    assert foreign_response.status_code == 401
    assert acme_owner.client.get("/api/dashboard").json()["accounts"][0]["email_address"] == "sales@acme.test"

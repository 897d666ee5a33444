"""The audit log API: admins only, filters by action, actor and time, keyset pages, clear errors, one company each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.models import User
from tenant_apps.accounts.tests.conftest import Person, error
from tenant_apps.audit.models import AppendOnlyError, AuditAction, AuditEvent
from tenant_apps.audit.services import audit_record


def _record_many(tenant: TestTenant, count: int, action: AuditAction = AuditAction.API_TOKEN_CREATE) -> None:
    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=tenant.owner_email)
        for index in range(count):
            audit_record(owner, action, note=index)


def test_members_and_anonymous_visitors_cannot_read_the_log(acme: TestTenant, acme_member: Person):
    assert acme_member.client.get("/api/audit-events").json() == error(
        "permission_denied", "Only owners and admins can do this."
    )
    anonymous = api_client(acme.hostname).get("/api/audit-events")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["error"]["code"] == "not_authenticated"


def test_an_admin_reads_the_log(acme_admin: Person):
    response = acme_admin.client.get("/api/audit-events")

    assert response.status_code == 200
    assert response.json()["results"][0]["actor_email"] == acme_admin.email


def test_filters_by_action_actor_and_time(acme: TestTenant, acme_owner: Person, acme_member: Person):
    _record_many(acme, 2, AuditAction.SETTINGS_CHANGE)

    by_action = acme_owner.client.get("/api/audit-events", {"action": "settings.change"}).json()["results"]
    by_actor = acme_owner.client.get("/api/audit-events", {"actor": acme_member.id}).json()["results"]
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    none_yet = acme_owner.client.get("/api/audit-events", {"since": future}).json()["results"]
    until_past = acme_owner.client.get("/api/audit-events", {"until": "2000-01-01T00:00:00Z"}).json()["results"]

    assert [event["details"] for event in by_action] == [{"note": 1}, {"note": 0}]
    assert {event["actor_id"] for event in by_actor} == {acme_member.id}
    assert [event["action"] for event in by_actor] == ["auth.sign_in"]
    assert (none_yet, until_past) == ([], [])


def test_keyset_pages_walk_the_whole_log_once(acme: TestTenant, acme_owner: Person):
    _record_many(acme, 5)
    seen: list[int] = []
    url: str | None = "/api/audit-events?action=api_token.create&page_size=2"

    while url:
        page = acme_owner.client.get(url).json()
        seen += [event["id"] for event in page["results"]]
        url = page["next"]

    assert len(seen) == 5
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"action": "user.delete_everything"}, "action"),
        ({"actor": "me"}, "actor"),
        ({"actor": str(2**64)}, "actor"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
    ],
)
def test_bad_filters_are_clear_errors(acme_owner: Person, query: dict[str, str], field: str):
    response = acme_owner.client.get("/api/audit-events", query)

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert list(body["error"]["fields"]) == [field]


def test_a_bad_cursor_is_a_clear_error(acme_owner: Person):
    response = acme_owner.client.get("/api/audit-events", {"cursor": "not-a-cursor"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_each_company_sees_only_its_own_log(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person
):
    _record_many(acme, 1, AuditAction.LOGO_CHANGE)

    globex_events = globex_owner.client.get("/api/audit-events").json()["results"]
    acme_events = acme_owner.client.get("/api/audit-events").json()["results"]

    assert {event["actor_email"] for event in globex_events} == {globex.owner_email}
    assert "settings.logo_change" not in {event["action"] for event in globex_events}
    assert "settings.logo_change" in {event["action"] for event in acme_events}
    # acme's session cookie means nothing on globex's host
    foreign = api_client(globex.hostname)
    foreign.cookies = acme_owner.client.cookies
    assert foreign.get("/api/audit-events").status_code in (401, 403)


def test_rows_are_append_only_and_secrets_never_stored(acme: TestTenant):
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        event = audit_record(owner, AuditAction.API_TOKEN_CREATE, password="hunter2", api_token="atr_x", kept="yes")
        assert event is not None
        assert AuditEvent.objects.get(pk=event.pk).details == {"kept": "yes"}
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()


def test_a_row_that_cannot_be_written_never_breaks_the_action(acme: TestTenant):
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        # a NUL byte is refused by PostgreSQL: the write fails, the caller carries on
        assert audit_record(owner, AuditAction.SETTINGS_CHANGE, name="bad\x00name") is None
        assert User.objects.filter(pk=owner.pk).exists()

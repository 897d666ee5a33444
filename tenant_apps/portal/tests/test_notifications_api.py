"""GET /api/notifications and POST /api/notifications/seen: computed from mail, sends and billing; unread is
what happened after the last look."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import Person
from tenant_apps.mail.models import MailOutgoing
from tenant_apps.portal.models import NotificationsSeen
from tenant_apps.portal.tests.conftest import mailbox_make, message_make


def _kinds(body: dict) -> list[tuple[str, bool]]:
    return [(item["kind"], item["unread"]) for item in body["items"]]


def test_new_mail_and_a_refused_mailbox_are_unread_until_seen(acme: TestTenant, acme_owner: Person):
    # given two unread messages just synced, and a mailbox whose server refused the sign-in
    now = timezone.now()
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    message_make(acme, mailbox, at=now)
    message_make(acme, mailbox, at=now)
    message_make(acme, mailbox, folder="sent", at=now)
    mailbox_make(
        acme,
        owner_email=acme.owner_email,
        address="ops@acme.test",
        status="reauth_required",
        status_message="The provider wants you to sign in again.",
    )

    # when the owner polls
    body = acme_owner.client.get("/api/notifications").json()

    # then both are there and unread; the sent copy is not new mail
    assert body["unread_count"] == 2
    assert body["mail_unread"] == 2
    by_kind = {item["kind"]: item for item in body["items"]}
    assert by_kind["new_mail"]["title"] == "2 new messages"
    assert by_kind["new_mail"]["body"] == "sales@acme.test"
    assert by_kind["account_problem"]["title"] == "Sign in to the provider again: ops@acme.test"
    assert by_kind["account_problem"]["body"] == "The provider wants you to sign in again."

    # when they open them, then nothing is unread any more, the problem stays listed, read
    seen = acme_owner.client.post("/api/notifications/seen")
    assert seen.status_code == 204
    after = acme_owner.client.get("/api/notifications").json()
    assert after["unread_count"] == 0
    assert _kinds(after) == [("account_problem", False)]
    assert after["mail_unread"] == 2


def test_a_failed_send_is_a_notification_of_its_author(acme: TestTenant, acme_owner: Person, acme_member: Person):
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    now = timezone.now()
    with schema_context(acme.schema_name):
        MailOutgoing.objects.create(
            account_id=mailbox.account_id,
            author_id=acme_owner.id,
            subject="Offer for Globex",
            status="failed",
            last_error="550 5.1.1 No such user",
            message_id="<offer@acme.test>",
            raw_sha256="0" * 64,
            send_at=now,
            undo_until=now,
            updated_at=now + timedelta(seconds=1),
        )

    owners = acme_owner.client.get("/api/notifications").json()
    members = acme_member.client.get("/api/notifications").json()

    failed = [item for item in owners["items"] if item["kind"] == "send_failed"]
    assert [(item["title"], item["body"], item["unread"]) for item in failed] == [
        ("Not sent: Offer for Globex", "550 5.1.1 No such user", True)
    ]
    assert members["items"] == []


def test_notifications_need_a_signed_in_user(acme: TestTenant):
    client = api_client(acme.hostname)
    assert client.get("/api/notifications").status_code == 401
    assert client.post("/api/notifications/seen").status_code in (401, 403)


def test_notifications_never_cross_companies(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person
):
    # given new mail and a refused mailbox at acme
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test", status="auth_failed")
    message_make(acme, mailbox, at=timezone.now())

    # when globex's owner polls and marks seen, and acme's cookie is tried at globex
    at_globex = globex_owner.client.get("/api/notifications").json()
    globex_owner.client.post("/api/notifications/seen")
    foreign = api_client(globex.hostname)
    foreign.cookies[settings.SESSION_COOKIE_NAME] = acme_owner.client.cookies[settings.SESSION_COOKIE_NAME].value

    # then globex sees none of acme's, and acme's state is untouched
    assert at_globex == {"unread_count": 0, "mail_unread": 0, "items": []}
    assert foreign.get("/api/notifications").status_code == 401
    assert acme_owner.client.get("/api/notifications").json()["unread_count"] == 2
    with schema_context(acme.schema_name):
        assert not NotificationsSeen.objects.exists()

"""The admin console's mail accounts (/api/mail/admin/): owners and admins see and manage every account of their
company, members see none of it, and one company never reaches another's accounts."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import Role, User
from tenant_apps.accounts.tests.conftest import person_make, user_make
from tenant_apps.mail import services
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.tests.conftest import Mailbox, account_make


def _member_account(tenant: TestTenant, mailbox: Mailbox, *, password: str | None = None) -> MailAccount:
    """An account a member connected (credentials stored as given, not checked)."""
    with schema_context(tenant.schema_name):
        member = User.objects.get(email="member@acme.test")
        data = mailbox.account_input(**({"password": password} if password else {}))
        return services.mail_account_create(actor=member, data=data, check=False)


def test_admin_lists_every_account_with_its_owner_and_never_a_password(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # given a member's account and the owner's
    person_make(acme, email="member@acme.test", role=Role.MEMBER)
    members = _member_account(acme, mailbox)
    owners = account_make(acme, mailbox)

    # when the owner opens the admin list
    response = acme_owner_client.get("/api/mail/admin/accounts")

    # then both are there, newest first, with who owns them; no secret in any form
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(row["id"], row["owner_email"]) for row in rows] == [
        (owners.pk, acme.owner_email),
        (members.pk, "member@acme.test"),
    ]
    assert all("password" not in key for row in rows for key in row)
    assert mailbox.password not in response.content.decode()


def test_a_member_may_not_use_the_admin_console(acme: TestTenant, mailbox: Mailbox):
    member = person_make(acme, email="member@acme.test", role=Role.MEMBER)
    account = _member_account(acme, mailbox)

    listed = member.client.get("/api/mail/admin/accounts")
    deleted = member.client.delete(f"/api/mail/admin/accounts/{account.pk}")

    assert (listed.status_code, deleted.status_code) == (403, 403)
    assert listed.json()["error"]["code"] == "permission_denied"
    with schema_context(acme.schema_name):
        assert MailAccount.objects.filter(pk=account.pk).exists()


def test_retest_records_the_servers_words_for_someone_elses_account(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # given a member's account whose stored password the server refuses
    person_make(acme, email="member@acme.test", role=Role.MEMBER)
    account = _member_account(acme, mailbox, password="not-the-password")

    # when the owner re-tests it
    response = acme_owner_client.post(f"/api/mail/admin/accounts/{account.pk}/test")

    # then the status says so, in the server's words
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "auth_failed"
    assert "AUTHENTICATIONFAILED" in body["status_message"]
    with schema_context(acme.schema_name):
        assert MailAccount.objects.get(pk=account.pk).status == "auth_failed"


def test_admin_shares_and_deletes_a_members_account(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    person_make(acme, email="member@acme.test", role=Role.MEMBER)
    colleague_id = user_make(acme, email="colleague@acme.test")
    account = _member_account(acme, mailbox)

    shared = acme_owner_client.put(
        f"/api/mail/admin/accounts/{account.pk}/share", {"user_ids": [colleague_id]}, format="json"
    )
    assert shared.status_code == 200, shared.content
    assert shared.json()["shared_with"] == [colleague_id]

    deleted = acme_owner_client.delete(f"/api/mail/admin/accounts/{account.pk}")
    assert deleted.status_code == 204
    with schema_context(acme.schema_name):
        assert not MailAccount.objects.filter(pk=account.pk).exists()


def test_bad_input_is_a_clear_error_and_changes_nothing(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    account = account_make(acme, mailbox)

    unknown_user = acme_owner_client.put(
        f"/api/mail/admin/accounts/{account.pk}/share", {"user_ids": [999_999]}, format="json"
    )
    not_a_list = acme_owner_client.put(f"/api/mail/admin/accounts/{account.pk}/share", {"user_ids": "x"}, format="json")
    huge_id = acme_owner_client.delete(f"/api/mail/admin/accounts/{2**64}")
    missing = acme_owner_client.post("/api/mail/admin/accounts/999999/test")

    assert unknown_user.status_code == 400
    assert list(unknown_user.json()["error"]["fields"]) == ["user_ids"]
    assert not_a_list.status_code == 400
    assert (huge_id.status_code, missing.status_code) == (404, 404)
    with schema_context(acme.schema_name):
        assert list(MailAccount.objects.get(pk=account.pk).shared_with.all()) == []


def test_the_list_pages_with_a_cursor(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    made = [account_make(acme, mailbox).pk for _ in range(3)]

    first = acme_owner_client.get("/api/mail/admin/accounts", {"page_size": 2}).json()
    second = acme_owner_client.get(first["next"]).json()

    assert [row["id"] for row in first["results"]] == sorted(made, reverse=True)[:2]
    assert [row["id"] for row in second["results"]] == [min(made)]
    assert second["next"] is None


def test_one_companys_admin_never_reaches_anothers_accounts(
    acme: TestTenant, globex: TestTenant, globex_owner_client: Any, acme_owner_client: Any, mailbox: Mailbox
):
    # given an account at acme
    account = account_make(acme, mailbox)

    # when globex's owner lists, tests, shares and deletes by its id
    listed = globex_owner_client.get("/api/mail/admin/accounts").json()["results"]
    tested = globex_owner_client.post(f"/api/mail/admin/accounts/{account.pk}/test")
    shared = globex_owner_client.put(f"/api/mail/admin/accounts/{account.pk}/share", {"user_ids": []}, format="json")
    deleted = globex_owner_client.delete(f"/api/mail/admin/accounts/{account.pk}")

    # then globex sees nothing and acme's account is untouched
    assert listed == []
    assert (tested.status_code, shared.status_code, deleted.status_code) == (404, 404, 404)
    assert [row["id"] for row in acme_owner_client.get("/api/mail/admin/accounts").json()["results"]] == [account.pk]

"""Connecting, sharing and removing a mail account (against the real Dovecot and SMTP server) each leave one audit
row, and none of them carries the mailbox password."""

from __future__ import annotations

from typing import Any

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.tests.conftest import person_make
from tenant_apps.mail.tests.conftest import Mailbox


def _events(client: Any, action: str) -> list[dict[str, Any]]:
    response = client.get("/api/audit-events", {"action": action})
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def test_mail_account_create_share_and_delete_are_audited(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    payload = dict(mailbox.account_input().__dict__)
    member = person_make(acme, email="audited-member@acme.test")

    created = acme_owner_client.post("/api/mail/accounts", payload, format="json")
    assert created.status_code == 201, created.content
    account_id = created.json()["id"]
    shared = acme_owner_client.put(f"/api/mail/accounts/{account_id}/share", {"user_ids": [member.id]}, format="json")
    assert shared.status_code == 200
    assert acme_owner_client.delete(f"/api/mail/accounts/{account_id}").status_code == 204

    create = _events(acme_owner_client, "mail_account.create")
    share = _events(acme_owner_client, "mail_account.share")
    delete = _events(acme_owner_client, "mail_account.delete")
    assert [(event["target_id"], event["actor_email"]) for event in create + share + delete] == [
        (str(account_id), acme.owner_email)
    ] * 3
    assert share[0]["details"] == {"shared_with": [member.id]}
    assert create[0]["target_label"] == payload["email_address"].lower()
    assert mailbox.password not in str(create + share + delete)

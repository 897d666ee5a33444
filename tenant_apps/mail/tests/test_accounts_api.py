"""The accounts API: credentials checked against the real Dovecot and SMTP server, secrets never returned,
and one company never sees another's mail."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.crypto import secret_decrypt
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make, owner_client


def _payload(mailbox: Mailbox, **overrides: Any) -> dict[str, Any]:
    data = mailbox.account_input(**overrides)
    return {key: value for key, value in data.__dict__.items()}


def test_create_checks_credentials_and_never_returns_the_password(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # when
    response = acme_owner_client.post("/api/mail/accounts", _payload(mailbox), format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body
    assert "password_encrypted" not in body
    assert (body["status"], body["imap_port"], body["username"]) == ("ok", mailbox.dovecot.port, mailbox.username)
    with schema_context(acme.schema_name):
        stored = MailAccount.objects.get(pk=body["id"])
        assert mailbox.password not in stored.password_encrypted
        assert secret_decrypt(stored.password_encrypted) == mailbox.password


def test_wrong_password_names_the_imap_server_and_saves_nothing(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    response = acme_owner_client.post("/api/mail/accounts", _payload(mailbox, password="wrong"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "credentials_refused_auth_failed",
            "message": f"The IMAP server 127.0.0.1:{mailbox.dovecot.port} refused the login: "
            "[AUTHENTICATIONFAILED] Authentication failed.",
            "fields": {},
        }
    }
    with schema_context(acme.schema_name):
        assert MailAccount.objects.count() == 0


def test_smtp_refusal_is_reported_with_the_smtp_server(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    # given SMTP knows another password than IMAP
    assert mailbox.smtp is not None
    mailbox.smtp.users[mailbox.username] = "other"
    response = acme_owner_client.post("/api/mail/accounts", _payload(mailbox), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "credentials_refused_auth_failed"
    assert error["message"].startswith(f"The SMTP server 127.0.0.1:{mailbox.smtp.port} refused the login: 535")


def test_unreachable_server_and_plaintext_to_remote_host_are_clear_errors(acme_owner_client: Any, mailbox: Mailbox):
    closed = acme_owner_client.post("/api/mail/accounts", _payload(mailbox, imap_port=1), format="json")
    assert closed.status_code == 400
    assert closed.json()["error"] == {
        "code": "credentials_refused_unreachable",
        "message": "The IMAP server 127.0.0.1:1 refused the connection.",
        "fields": {},
    }
    remote = acme_owner_client.post(
        "/api/mail/accounts", _payload(mailbox, imap_host="mail.example.com"), format="json"
    )
    assert remote.status_code == 400
    assert remote.json()["error"]["fields"] == {
        "imap_security": ["Unencrypted connections are only allowed to a server on this machine."]
    }


def test_presets_fill_the_servers(acme_owner_client: Any):
    response = acme_owner_client.get("/api/mail/presets")
    assert response.status_code == 200
    assert [preset["key"] for preset in response.json()] == ["gmail", "outlook", "yahoo", "icloud", "fastmail"]
    assert response.json()[0]["imap_host"] == "imap.gmail.com"


def test_messages_flags_raw_and_attachments_through_the_api(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    # given a synced mailbox
    mailbox.append(messages.simple("Quarterly numbers", message_id="<q@x>", body="revenue is up\r\n"))
    mailbox.append(messages.with_attachment())
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        plain_id = MailMessage.objects.get(account=account, message_id="q@x").pk
    # when / then: folders with unread counts
    folders = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/folders").json()
    inbox = next(folder for folder in folders if folder["role"] == "inbox")
    assert (inbox["unread_count"], inbox["total_count"]) == (2, 2)
    # search
    found = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/messages", {"q": "revenue"}).json()
    assert [message["id"] for message in found["results"]] == [plain_id]
    with_files = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/messages", {"has_attachments": "true"})
    assert [message["subject"] for message in with_files.json()["results"]] == ["Report"]
    # mark read is written to the server
    marked = acme_owner_client.patch(f"/api/mail/messages/{plain_id}", {"is_read": True}, format="json")
    assert marked.status_code == 200
    assert marked.json()["is_read"] is True
    with mailbox.other_client() as other:
        other.select_folder("INBOX", readonly=True)
        assert other.get_flags([1])[1] == (b"\\Seen",)
    # raw download
    raw = acme_owner_client.get(f"/api/mail/messages/{plain_id}/raw")
    assert raw.status_code == 200
    assert raw["Content-Type"] == "message/rfc822"
    assert raw.content == messages.simple("Quarterly numbers", message_id="<q@x>", body="revenue is up\r\n")
    # attachment download
    report_id = with_files.json()["results"][0]["id"]
    attachments = acme_owner_client.get(f"/api/mail/messages/{report_id}/attachments").json()
    assert [(item["filename"], item["content_type"], item["size"]) for item in attachments] == [
        ("q1.pdf", "application/pdf", 15)
    ]
    download = acme_owner_client.get(f"/api/mail/attachments/{attachments[0]['id']}")
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"


def test_another_company_sees_none_of_it(
    acme: TestTenant, globex: TestTenant, globex_owner_client: Any, mailbox: Mailbox
):
    # given acme's synced account
    mailbox.append(messages.with_attachment())
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        message = MailMessage.objects.get(account=account)
        attachment_id = message.attachments.get().pk
    # when globex asks for acme's ids, then nothing is found and nothing changes
    assert globex_owner_client.get("/api/mail/accounts").json() == []
    for path in (
        f"/api/mail/accounts/{account.pk}",
        f"/api/mail/accounts/{account.pk}/folders",
        f"/api/mail/accounts/{account.pk}/messages",
        f"/api/mail/messages/{message.pk}",
        f"/api/mail/messages/{message.pk}/raw",
        f"/api/mail/attachments/{attachment_id}",
    ):
        assert globex_owner_client.get(path).status_code == 404, path
    assert (
        globex_owner_client.patch(f"/api/mail/messages/{message.pk}", {"is_read": True}, format="json").status_code
        == 404
    )
    assert globex_owner_client.delete(f"/api/mail/accounts/{account.pk}").status_code == 404
    with schema_context(acme.schema_name):
        assert MailAccount.objects.filter(pk=account.pk).exists()
        assert MailMessage.objects.get(pk=message.pk).is_read is False


def test_an_account_is_its_owners_until_an_admin_shares_it(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.accounts.tests.conftest import person_make

    # given the owner's account and a member
    account = account_make(acme, mailbox)
    member = person_make(acme, email="sales-member@acme.test")
    assert member.client.get("/api/mail/accounts").json() == []
    assert member.client.get(f"/api/mail/accounts/{account.pk}/messages").status_code == 404
    # a member cannot share it
    refused = member.client.put(f"/api/mail/accounts/{account.pk}/share", {"user_ids": [member.id]}, format="json")
    assert refused.status_code == 404
    # when the owner (an admin) shares it
    owner = owner_client(acme)
    shared = owner.put(f"/api/mail/accounts/{account.pk}/share", {"user_ids": [member.id]}, format="json")
    assert shared.status_code == 200
    assert shared.json()["shared_with"] == [member.id]
    # then the member reads it, but cannot delete it
    assert [item["id"] for item in member.client.get("/api/mail/accounts").json()] == [account.pk]
    assert member.client.delete(f"/api/mail/accounts/{account.pk}").status_code == 403
    with schema_context(acme.schema_name):
        assert MailAccount.objects.filter(pk=account.pk).exists()


def test_messages_over_the_size_limit_keep_their_headers_and_are_marked_truncated(
    acme: TestTenant, mailbox: Mailbox, settings: Any
):
    settings.MAIL_MESSAGE_SIZE_LIMIT_BYTES = 2000
    mailbox.append(messages.simple("Huge", message_id="<huge@x>", body="x" * 5000))
    mailbox.append(messages.simple("Small", message_id="<small@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        stored = {
            subject: (truncated, text)
            for subject, truncated, text in MailMessage.objects.filter(account=account).values_list(
                "subject", "truncated", "text_body"
            )
        }
    assert stored == {"Huge": (True, ""), "Small": (False, "Hi Bob,\r\nsee you.\r\n")}

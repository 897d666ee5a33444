"""The outbox, uploads and send preferences over HTTP: validation in the one error shape, the 413, safe downloads,
who may use what, and two companies that never see each other's mail."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.models import MailOutgoing, MailSendPreferences, MailUpload
from tenant_apps.mail.outbox import sending
from tenant_apps.mail.tests.conftest import Mailbox, account_make

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client: Any, data: bytes, filename: str, content_type: str = "application/octet-stream") -> Any:
    return client.generic("POST", f"/api/mail/uploads?filename={filename}", data, content_type=content_type)


def test_queue_with_an_upload_then_undo_and_list(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    account = account_make(acme, mailbox)
    # given an upload whose name and declared type lie about it
    uploaded = upload(acme_owner_client, PNG, "invoice.pdf", content_type="application/pdf")
    assert uploaded.status_code == 201, uploaded.content
    assert {key: uploaded.json()[key] for key in ("filename", "content_type", "size")} == {
        "filename": "invoice.pdf",
        "content_type": "image/png",
        "size": len(PNG),
    }
    # when a message with it is sent
    response = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox",
        {
            "to": ["Bob Example <bob@example.test>"],
            "bcc": ["hidden@example.test"],
            "subject": "Invoice",
            "text_body": "Attached.",
            "attachments": [uploaded.json()["id"]],
        },
        format="json",
    )
    # then it is queued for after the undo window, with the attachment
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["attempts"], body["last_error"], body["delivery_uncertain"]) == (
        "queued",
        0,
        "",
        False,
    )
    assert body["to"] == [{"name": "Bob Example", "address": "bob@example.test"}]
    assert body["bcc"] == [{"name": "", "address": "hidden@example.test"}]
    assert [item["filename"] for item in body["attachments"]] == ["invoice.pdf"]
    assert body["undo_until"] == body["send_at"]
    listed = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/outbox").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]
    # and undo cancels it; a second undo is a conflict
    undone = acme_owner_client.post(f"/api/mail/outbox/{body['id']}/undo")
    assert undone.status_code == 200
    assert undone.json()["status"] == "cancelled"
    again = acme_owner_client.post(f"/api/mail/outbox/{body['id']}/undo")
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "outbox_conflict",
        "message": "Too late to undo: the message is cancelled (undone).",
        "fields": {},
    }


def test_bad_addresses_and_header_injection_are_named_and_store_nothing(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    account = account_make(acme, mailbox)
    url = f"/api/mail/accounts/{account.pk}/outbox"
    bad = acme_owner_client.post(
        url, {"to": ["bob@example.test", "bob@", "x@y.test\r\nBcc: evil@x.test"]}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == {
        "code": "invalid",
        "message": "The request has invalid fields.",
        "fields": {
            "to.1": ["'bob@' is not one email address."],
            "to.2": ["'x@y.test\\r\\nBcc: evil@x.test' contains a line break."],
        },
    }
    injected = acme_owner_client.post(
        url, {"to": ["bob@example.test"], "subject": "Hi\r\nBcc: evil@x.test"}, format="json"
    )
    assert injected.status_code == 400
    assert injected.json()["error"]["fields"] == {"subject": ["The subject may not contain line breaks."]}
    nobody = acme_owner_client.post(url, {"subject": "To no one"}, format="json")
    assert nobody.status_code == 400
    assert nobody.json()["error"]["fields"] == {"to": ["Give at least one recipient (To, Cc or Bcc)."]}
    stranger = acme_owner_client.post(url, {"to": ["bob@example.test"], "attachments": [987654]}, format="json")
    assert stranger.status_code == 400
    assert stranger.json()["error"]["fields"] == {"attachments": ["No upload of yours has the id 987654."]}
    with schema_context(acme.schema_name):
        assert MailOutgoing.objects.count() == 0


def test_over_the_limit_is_a_clear_413_and_keeps_nothing(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox, settings: Any
):
    settings.MAIL_SEND_SIZE_LIMIT_BYTES = 100
    account = account_make(acme, mailbox)
    too_big = upload(acme_owner_client, b"x" * 101, "big.txt")
    assert too_big.status_code == 413
    assert too_big.json()["error"] == {
        "code": "message_too_large",
        "message": "The attachments of one message may be at most 100 bytes in all (these are 101 bytes).",
        "fields": {},
    }
    # two uploads under the limit each, over it together
    first = upload(acme_owner_client, b"a" * 60, "a.txt").json()["id"]
    second = upload(acme_owner_client, b"b" * 60, "b.txt").json()["id"]
    response = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox",
        {"to": ["bob@example.test"], "attachments": [first, second]},
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["message"] == (
        "The attachments of one message may be at most 100 bytes in all (these are 120 bytes)."
    )
    with schema_context(acme.schema_name):
        assert MailOutgoing.objects.count() == 0
        assert sorted(MailUpload.objects.values_list("filename", flat=True)) == ["a.txt", "b.txt"]


def test_download_is_always_an_attachment_and_html_is_not_served_as_html(acme_owner_client: Any):
    uploaded = upload(acme_owner_client, b"<!DOCTYPE html><script>alert(1)</script>", 'pic"ture\r\n.png')
    assert uploaded.status_code == 201
    assert (uploaded.json()["content_type"], uploaded.json()["filename"]) == ("text/html", 'pic"ture.png')
    download = acme_owner_client.get(f"/api/mail/uploads/{uploaded.json()['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''pic%22ture.png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"<!DOCTYPE html><script>alert(1)</script>"
    form = acme_owner_client.post("/api/mail/uploads?filename=a.txt", {"file": "x"}, format="multipart")
    assert form.status_code == 415
    assert form.json()["error"]["message"] == (
        "Send the file's bytes as the request body (not a form), with ?filename=..."
    )
    missing_name = acme_owner_client.generic("POST", "/api/mail/uploads", b"data")
    assert missing_name.status_code == 400
    assert missing_name.json()["error"]["fields"] == {"filename": ["Give the file's name as ?filename=..."]}


def test_a_failed_send_shows_the_servers_words_and_is_retried(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox, settings: Any
):
    assert mailbox.smtp is not None
    settings.MAIL_UNDO_SEND_SECONDS = 0
    mailbox.smtp.refusals["gone@example.test"] = "550 5.1.1 <gone@example.test>: User unknown"
    account = account_make(acme, mailbox)
    queued = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox", {"to": ["gone@example.test"]}, format="json"
    ).json()
    with schema_context(acme.schema_name):
        assert sending.outbox_send(queued["id"]) == sending.FAILED
    shown = acme_owner_client.get(f"/api/mail/outbox/{queued['id']}").json()
    assert (shown["status"], shown["attempts"]) == ("failed", 1)
    assert shown["last_error"] == (
        f"The SMTP server 127.0.0.1:{mailbox.smtp.port} refused gone@example.test: "
        "550 5.1.1 <gone@example.test>: User unknown"
    )
    del mailbox.smtp.refusals["gone@example.test"]
    retried = acme_owner_client.post(f"/api/mail/outbox/{queued['id']}/retry", {}, format="json")
    assert retried.status_code == 200
    assert retried.json()["status"] == "queued"
    with schema_context(acme.schema_name):
        assert sending.outbox_send(queued["id"]) == sending.SENT
    assert acme_owner_client.post(f"/api/mail/outbox/{queued['id']}/retry", {}, format="json").status_code == 409
    assert acme_owner_client.post(f"/api/mail/outbox/{queued['id']}/undo").status_code == 409


def test_send_preferences_set_the_undo_window(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    assert acme_owner_client.get("/api/mail/send-preferences").json() == {"undo_send_seconds": 10}
    refused = acme_owner_client.put("/api/mail/send-preferences", {"undo_send_seconds": 3600}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["undo_send_seconds"]
    saved = acme_owner_client.put("/api/mail/send-preferences", {"undo_send_seconds": 30}, format="json")
    assert saved.json() == {"undo_send_seconds": 30}
    account = account_make(acme, mailbox)
    queued = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox", {"to": ["bob@example.test"]}, format="json"
    ).json()
    with schema_context(acme.schema_name):
        outgoing = MailOutgoing.objects.get(pk=queued["id"])
        assert (outgoing.send_at - outgoing.created_at).total_seconds() == 30
        assert MailSendPreferences.objects.get().undo_send_seconds == 30


def test_only_users_who_may_use_the_account_send_from_it(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.accounts.tests.conftest import person_make

    account = account_make(acme, mailbox)
    member = person_make(acme, email="outbox-member@acme.test")
    refused = member.client.post(f"/api/mail/accounts/{account.pk}/outbox", {"to": ["x@example.test"]}, format="json")
    assert refused.status_code == 404
    assert member.client.get(f"/api/mail/accounts/{account.pk}/outbox").status_code == 404
    # the owner's upload is not the member's to attach or download
    owner_upload = upload(_owner(acme), PNG, "mine.png").json()["id"]
    assert member.client.get(f"/api/mail/uploads/{owner_upload}").status_code == 404
    with schema_context(acme.schema_name):
        assert MailOutgoing.objects.count() == 0


def _owner(tenant: TestTenant) -> Any:
    from tenant_apps.mail.tests.conftest import owner_client

    return owner_client(tenant)


def test_another_company_sees_and_changes_none_of_it(
    acme: TestTenant, globex: TestTenant, acme_owner_client: Any, globex_owner_client: Any, mailbox: Mailbox
):
    # given acme's queued message and upload
    account = account_make(acme, mailbox)
    upload_id = upload(acme_owner_client, PNG, "acme.png").json()["id"]
    queued = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox",
        {"to": ["bob@example.test"], "attachments": [upload_id]},
        format="json",
    ).json()
    # when globex tries every door
    for path in (f"/api/mail/accounts/{account.pk}/outbox", f"/api/mail/outbox/{queued['id']}"):
        assert globex_owner_client.get(path).status_code == 404, path
    assert globex_owner_client.get(f"/api/mail/uploads/{upload_id}").status_code == 404
    assert globex_owner_client.post(f"/api/mail/outbox/{queued['id']}/undo").status_code == 404
    assert globex_owner_client.post(f"/api/mail/outbox/{queued['id']}/retry", {}, format="json").status_code == 404
    posted = globex_owner_client.post(
        f"/api/mail/accounts/{account.pk}/outbox", {"to": ["bob@example.test"]}, format="json"
    )
    assert posted.status_code == 404
    # then acme's message is untouched and globex has nothing
    with schema_context(acme.schema_name):
        assert MailOutgoing.objects.get(pk=queued["id"]).status == "queued"
    with schema_context(globex.schema_name):
        assert MailOutgoing.objects.count() == 0
        assert MailUpload.objects.count() == 0

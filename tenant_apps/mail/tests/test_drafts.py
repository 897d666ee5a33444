"""Drafts against the real Dovecot: saves coalesce into one APPEND, a new revision replaces the old one without
two copies left, messages other clients marked \\Deleted are never expunged, sending removes the draft; and the
drafts API with its permission and isolation checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context
from imapclient import IMAPClient

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailAccount, MailDraft, MailOutgoing
from tenant_apps.mail.outbox import drafts, sending
from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
from tenant_apps.mail.outbox.draft_copies import CURRENT, PUSHED, draft_key, draft_push_debounce
from tenant_apps.mail.outbox.services import OutboxConflict, outbox_undo
from tenant_apps.mail.outbox.tasks import mail_draft_push, mail_draft_server_remove
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, SmtpAuthServer, _dovecot_or_fail, account_make, mailbox_make
from tenant_apps.mail.tests.dovecot import REDUCED_CAPABILITIES, DovecotServer

WITHOUT_UIDPLUS = REDUCED_CAPABILITIES.replace(" UIDPLUS", "")


@pytest.fixture(autouse=True)
def _no_undo_window(settings: Any) -> None:
    settings.MAIL_UNDO_SEND_SECONDS = 0


@pytest.fixture(scope="module")
def dovecot_without_uidplus() -> Iterator[DovecotServer]:
    yield from _dovecot_or_fail(
        capabilities=WITHOUT_UIDPLUS, users=[f"old{number}@example.test" for number in range(5)]
    )


@pytest.fixture
def old_mailbox(dovecot_without_uidplus: DovecotServer, smtp_server: SmtpAuthServer) -> Mailbox:
    return mailbox_make(dovecot_without_uidplus, smtp_server)


def owner(tenant: TestTenant) -> User:
    return User.objects.get(email=tenant.owner_email)


def drafts_on_server(mailbox: Mailbox, key: str) -> dict[int, set[bytes]]:
    """UID -> flags (without \\Recent) of every copy of this draft in Drafts, as another client sees it."""
    with mailbox.other_client() as other:
        other.select_folder("Drafts", readonly=True)
        uids = other.search(["HEADER", "Message-ID", key])
        fetched = other.fetch(uids, ["FLAGS"]) if uids else {}
        return {uid: set(data[b"FLAGS"]) - {b"\\Recent"} for uid, data in fetched.items()}


def subject_on_server(mailbox: Mailbox, uid: int) -> str:
    with mailbox.other_client() as other:
        other.select_folder("Drafts", readonly=True)
        header = other.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])[uid][b"BODY[HEADER.FIELDS (SUBJECT)]"]
    return header.decode().strip().removeprefix("Subject: ")


def mark_deleted_elsewhere(mailbox: Mailbox) -> int:
    """Another client's message in Drafts, marked \\Deleted but not expunged (that client's business)."""
    return mailbox.append(messages.simple("Not ours", message_id="<other-client@x>"), "Drafts", flags=(b"\\Deleted",))


def save(draft: MailDraft, subject: str, **fields: Any) -> MailDraft:
    return drafts.draft_update(
        actor=draft.author,
        draft=draft,
        data=ComposeInput(to=[Recipient("bob@example.test")], subject=subject, **fields),
    )


def test_saves_coalesce_and_a_new_revision_replaces_the_old_copy(acme: TestTenant, mailbox: Mailbox):
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        draft = drafts.draft_create(
            actor=owner(acme), account=account, data=ComposeInput(subject="First words", text_body="Dear Bob")
        )
        # autosave: only the first save within the debounce window queues a push
        assert draft_push_debounce(draft.pk) is True
        draft = save(draft, "Second words")
        assert draft_push_debounce(draft.pk) is False
        assert mail_draft_push(draft_id=draft.pk) == PUSHED
        assert draft_push_debounce(draft.pk) is True
        key = draft_key(draft)
        (first_uid,) = drafts_on_server(mailbox, key)
        assert drafts_on_server(mailbox, key)[first_uid] == {b"\\Seen", b"\\Draft"}
        assert subject_on_server(mailbox, first_uid) == "Second words"
        # given another client's message marked \Deleted in Drafts
        others = mark_deleted_elsewhere(mailbox)
        # when the draft is saved again
        draft = save(draft, "Third words")
        assert mail_draft_push(draft_id=draft.pk) == PUSHED
        assert mail_draft_push(draft_id=draft.pk) == CURRENT
        # then exactly one copy, the newest, and the other client's message is still there
        (second_uid,) = drafts_on_server(mailbox, key)
        assert second_uid > first_uid
        assert subject_on_server(mailbox, second_uid) == "Third words"
        with mailbox.other_client() as other:
            other.select_folder("Drafts", readonly=True)
            assert other.search(["ALL"]) == [others, second_uid]
        draft.refresh_from_db()
        assert (draft.revision, draft.server_revision, draft.server_uid, draft.server_error) == (3, 3, second_uid, "")


def test_without_uidplus_never_expunges_what_others_marked(acme: TestTenant, old_mailbox: Mailbox):
    with old_mailbox.other_client() as other:
        assert not other.has_capability("UIDPLUS")
    account = account_make(acme, old_mailbox)
    with schema_context(acme.schema_name):
        draft = drafts.draft_create(actor=owner(acme), account=account, data=ComposeInput(subject="One"))
        assert mail_draft_push(draft_id=draft.pk) == PUSHED
        key = draft_key(draft)
        (first_uid,) = drafts_on_server(old_mailbox, key)
        # alone in the folder, the old revision is expunged
        draft = save(draft, "Two")
        mail_draft_push(draft_id=draft.pk)
        (second_uid,) = drafts_on_server(old_mailbox, key)
        assert second_uid != first_uid
        # with another client's \Deleted message there, the old revision is only marked, and nothing is expunged
        others = mark_deleted_elsewhere(old_mailbox)
        draft = save(draft, "Three")
        mail_draft_push(draft_id=draft.pk)
        copies = drafts_on_server(old_mailbox, key)
        visible = [uid for uid, flags in copies.items() if b"\\Deleted" not in flags]
        assert len(visible) == 1
        assert subject_on_server(old_mailbox, visible[0]) == "Three"
        assert copies[second_uid] == {b"\\Seen", b"\\Deleted", b"\\Draft"}
        with old_mailbox.other_client() as other:
            other.select_folder("Drafts", readonly=True)
            assert others in other.search(["ALL"])


def test_sending_a_draft_removes_it_and_undo_keeps_it(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        draft = drafts.draft_create(
            actor=owner(acme),
            account=account,
            data=ComposeInput(to=[Recipient("bob@example.test")], subject="Ready", bcc=[Recipient("me@example.test")]),
        )
        mail_draft_push(draft_id=draft.pk)
        key = draft_key(draft)
        assert len(drafts_on_server(mailbox, key)) == 1
        # an undone send leaves the draft as it was, and it can be edited again
        undone = drafts.draft_send(actor=owner(acme), draft=draft)
        with pytest.raises(OutboxConflict):
            save(draft, "Changed while sending")
        outbox_undo(actor=owner(acme), outgoing=undone)
        draft = save(draft, "Ready now", bcc=[Recipient("me@example.test")])
        mail_draft_push(draft_id=draft.pk)
        # when sent for real
        outgoing = drafts.draft_send(actor=owner(acme), draft=draft)
        assert sending.outbox_send(outgoing.pk) == sending.SENT
        # then it was delivered once, Bcc in the envelope only, and it left Drafts (here and on the server)
        (mail,) = [item for item in mailbox.smtp.received if f"<{outgoing.message_id}>".encode() in item.data]
        assert sorted(mail.rcpt_tos) == ["bob@example.test", "me@example.test"]
        assert b"me@example.test" not in mail.data
        assert b"Subject: Ready now" in mail.data
        assert drafts_on_server(mailbox, key) == {}
        assert not MailDraft.objects.filter(pk=draft.pk).exists()
        assert MailOutgoing.objects.get(pk=outgoing.pk).progress == "filed"


def test_deleting_a_draft_removes_every_copy_on_the_server(acme: TestTenant, mailbox: Mailbox):
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        draft = drafts.draft_create(actor=owner(acme), account=account, data=ComposeInput(subject="Never mind"))
        mail_draft_push(draft_id=draft.pk)
        key, folder = draft_key(draft), MailDraft.objects.get(pk=draft.pk).server_folder
        drafts.draft_delete(actor=owner(acme), draft=draft)
        assert mail_draft_server_remove(account_id=account.pk, folder=folder, key=key) == "done"
        assert drafts_on_server(mailbox, key) == {}
        assert MailDraft.objects.count() == 0


def test_drafts_api_saves_validates_and_sends(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    account = account_make(acme, mailbox)
    created = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/drafts", {"subject": "Plan", "text_body": "Step one"}, format="json"
    )
    assert created.status_code == 201, created.content
    draft_id = created.json()["id"]
    assert (created.json()["revision"], created.json()["server_revision"]) == (1, 0)
    bad = acme_owner_client.put(f"/api/mail/drafts/{draft_id}", {"to": ["not an address"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"to.0": ["'not an address' is not a valid email address."]}
    saved = acme_owner_client.put(
        f"/api/mail/drafts/{draft_id}", {"to": ["bob@example.test"], "subject": "Plan B"}, format="json"
    )
    assert saved.status_code == 200
    assert (saved.json()["revision"], saved.json()["subject"]) == (2, "Plan B")
    listed = acme_owner_client.get(f"/api/mail/accounts/{account.pk}/drafts").json()
    assert [item["id"] for item in listed["results"]] == [draft_id]
    sent = acme_owner_client.post(f"/api/mail/drafts/{draft_id}/send", {}, format="json")
    assert sent.status_code == 201
    assert (sent.json()["status"], sent.json()["subject"]) == ("queued", "Plan B")
    locked = acme_owner_client.put(f"/api/mail/drafts/{draft_id}", {"subject": "Too late"}, format="json")
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "outbox_conflict"
    assert acme_owner_client.delete(f"/api/mail/drafts/{draft_id}").status_code == 409
    acme_owner_client.post(f"/api/mail/outbox/{sent.json()['id']}/undo")
    assert acme_owner_client.delete(f"/api/mail/drafts/{draft_id}").status_code == 204
    assert acme_owner_client.get(f"/api/mail/drafts/{draft_id}").status_code == 404


def test_a_draft_is_its_authors_and_another_company_sees_none(
    acme: TestTenant, globex: TestTenant, acme_owner_client: Any, globex_owner_client: Any, mailbox: Mailbox
):
    from tenant_apps.accounts.tests.conftest import person_make

    account = account_make(acme, mailbox)
    draft_id = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/drafts", {"subject": "Secret plan"}, format="json"
    ).json()["id"]
    member = person_make(acme, email="drafts-member@acme.test")
    with schema_context(acme.schema_name):
        MailAccount.objects.get(pk=account.pk).shared_with.add(User.objects.get(email="drafts-member@acme.test"))
    # a colleague who shares the account does not see my draft
    assert member.client.get(f"/api/mail/accounts/{account.pk}/drafts").json()["results"] == []
    for client in (member.client, globex_owner_client):
        assert client.get(f"/api/mail/drafts/{draft_id}").status_code == 404
        assert client.put(f"/api/mail/drafts/{draft_id}", {"subject": "Mine"}, format="json").status_code == 404
        assert client.post(f"/api/mail/drafts/{draft_id}/send", {}, format="json").status_code == 404
        assert client.delete(f"/api/mail/drafts/{draft_id}").status_code == 404
    assert globex_owner_client.get(f"/api/mail/accounts/{account.pk}/drafts").status_code == 404
    assert (
        globex_owner_client.post(f"/api/mail/accounts/{account.pk}/drafts", {"subject": "x"}, format="json").status_code
        == 404
    )
    with schema_context(acme.schema_name):
        assert MailDraft.objects.get(pk=draft_id).subject == "Secret plan"
        assert MailOutgoing.objects.count() == 0
    with schema_context(globex.schema_name):
        assert MailDraft.objects.count() == 0


__all__ = ["IMAPClient"]

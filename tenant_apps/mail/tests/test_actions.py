"""Mail actions against the real Dovecot: every change is on the server (checked over a second IMAP connection),
our rows follow it, and the next sync finds nothing to change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail import actions
from tenant_apps.mail.actions import Action, ActionRun, Row, mail_action_start, rows_moved, trash_empty
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.imap.writer import ActionRefused, ImapWriter, Moved, copyuid_parse, uid_sequence
from tenant_apps.mail.models import MailAccount, MailActionJob, MailFolder, MailMessage, MailTrashedFrom
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, _dovecot_or_fail, account_make, mailbox_make
from tenant_apps.mail.tests.dovecot import DovecotServer

# A server with MOVE but without UIDPLUS: UID EXPUNGE is not to be had, so nothing may be deleted for good.
NO_UIDPLUS_CAPABILITIES = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ MOVE SPECIAL-USE LIST-EXTENDED"


@pytest.fixture(scope="module")
def dovecot_no_uidplus() -> Iterator[DovecotServer]:
    yield from _dovecot_or_fail(capabilities=NO_UIDPLUS_CAPABILITIES)


# --- helpers --------------------------------------------------------------------------------------------------
def server_folders(mailbox: Mailbox) -> dict[str, dict[int, list[str]]]:
    """Every folder on the server with its UIDs and flags, as a second client sees them."""
    state: dict[str, dict[int, list[str]]] = {}
    with mailbox.other_client() as client:
        for flags, _, name in client.list_folders():
            if b"\\Noselect" in flags:
                continue
            client.select_folder(name, readonly=True)
            uids = client.search(["ALL"])
            answers = client.fetch(uids, ["FLAGS"]) if uids else {}
            state[name] = {
                uid: sorted(flag.decode() for flag in values[b"FLAGS"] if flag != b"\\Recent")
                for uid, values in answers.items()
            }
    return state


def stored_folders(account: MailAccount) -> dict[str, dict[int, list[str]]]:
    state: dict[str, dict[int, list[str]]] = {folder.name: {} for folder in MailFolder.objects.filter(account=account)}
    for name, uid, flags in MailMessage.objects.filter(account=account).values_list("folder__name", "uid", "flags"):
        state[name][uid] = sorted(flags)
    return state


def assert_in_step(account: MailAccount, mailbox: Mailbox) -> None:
    """The next sync finds nothing to change, and then our rows are exactly the server's messages and flags."""
    report = account_sync(account=account)
    assert (report.added, report.removed, report.flags_changed) == (0, 0, 0)
    assert stored_folders(account) == server_folders(mailbox)
    for message in MailMessage.objects.filter(account=account):
        assert (message.is_read, message.is_flagged) == ("\\Seen" in message.flags, "\\Flagged" in message.flags)


def synced_account(tenant: TestTenant, mailbox: Mailbox, subjects: list[str]) -> MailAccount:
    for number, subject in enumerate(subjects):
        mailbox.append(messages.simple(subject, message_id=f"<{subject.replace(' ', '-')}-{number}@example.org>"))
    account = account_make(tenant, mailbox)
    with schema_context(tenant.schema_name):
        account_sync(account=account)
    return account


def message(account: MailAccount, subject: str) -> MailMessage:
    return MailMessage.objects.select_related("folder").get(account=account, subject=subject)


def owner(tenant: TestTenant) -> User:
    return User.objects.get(email=tenant.owner_email)


def act(tenant: TestTenant, account: MailAccount, action: str, subjects: list[str], **options: object) -> MailActionJob:
    ids = [message(account, subject).pk for subject in subjects]
    return mail_action_start(actor=owner(tenant), account=account, action=action, message_ids=ids, **options)  # type: ignore[arg-type]


def subjects_on_server(mailbox: Mailbox, folder: str) -> dict[int, str]:
    with mailbox.other_client() as client:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        answers = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    return {
        uid: values[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip().removeprefix("Subject: ")
        for uid, values in answers.items()
    }


# --- delete and undo ------------------------------------------------------------------------------------------
def test_delete_moves_to_trash_with_the_new_uid_and_undo_moves_it_back(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Keep", "Bin me"])
    with schema_context(acme.schema_name):
        row_id = message(account, "Bin me").pk
        inbox_id = message(account, "Bin me").folder_id
        # when
        job = act(acme, account, Action.TRASH, ["Bin me"])
        # then the server moved it (MOVE), and our row took the UID the server gave it in Trash
        assert (job.state, job.done, job.total) == ("done", 1, 1)
        trashed = message(account, "Bin me")
        assert trashed.pk == row_id
        assert trashed.folder.name == "Trash"
        assert subjects_on_server(mailbox, "Trash") == {trashed.uid: "Bin me"}
        assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Keep"]
        assert MailTrashedFrom.objects.get(message_id=row_id).folder_id == inbox_id
        assert_in_step(account, mailbox)
        # when undone
        act(acme, account, Action.RESTORE, ["Bin me"])
        # then it is back in the inbox under a new UID, and nothing remembers it was trashed
        restored = message(account, "Bin me")
        assert (restored.pk, restored.folder_id) == (row_id, inbox_id)
        assert subjects_on_server(mailbox, "INBOX")[restored.uid] == "Bin me"
        assert subjects_on_server(mailbox, "Trash") == {}
        assert not MailTrashedFrom.objects.filter(message_id=row_id).exists()
        assert_in_step(account, mailbox)


def test_undo_of_a_delete_whose_folder_is_gone_lands_in_the_inbox(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.mail.folders import mail_folder_create, mail_folder_delete

    account = synced_account(acme, mailbox, ["Filed"])
    with schema_context(acme.schema_name):
        projects = mail_folder_create(actor=owner(acme), account=account, name="Projects")
        act(acme, account, Action.MOVE, ["Filed"], target_folder=projects)
        act(acme, account, Action.TRASH, ["Filed"])
        mail_folder_delete(actor=owner(acme), folder=projects)
        # when
        act(acme, account, Action.RESTORE, ["Filed"])
        # then
        assert message(account, "Filed").folder.role == "inbox"
        assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Filed"]
        assert "Projects" not in server_folders(mailbox)
        assert_in_step(account, mailbox)


def test_without_move_delete_copies_and_expunges_only_that_uid(acme: TestTenant, plain_mailbox: Mailbox):
    # given a server without MOVE, and a message another client marked \Deleted but did not expunge
    account = synced_account(acme, plain_mailbox, ["Bin me", "Marked elsewhere", "Keep"])
    with schema_context(acme.schema_name):
        marked_uid = message(account, "Marked elsewhere").uid
        with plain_mailbox.other_client() as other:
            assert b"MOVE" not in other.capabilities()
            other.select_folder("INBOX")
            other.add_flags([marked_uid], [b"\\Deleted"])
        account_sync(account=account)
        # when
        act(acme, account, Action.TRASH, ["Bin me"])
        # then only our message left the inbox; the other client's \Deleted one is still there
        inbox = subjects_on_server(plain_mailbox, "INBOX")
        assert sorted(inbox.values()) == ["Keep", "Marked elsewhere"]
        assert server_folders(plain_mailbox)["INBOX"][marked_uid] == ["\\Deleted"]
        trashed = message(account, "Bin me")
        assert subjects_on_server(plain_mailbox, "Trash") == {trashed.uid: "Bin me"}
        assert_in_step(account, plain_mailbox)
        # and the undo works the same way back
        act(acme, account, Action.RESTORE, ["Bin me"])
        assert sorted(subjects_on_server(plain_mailbox, "INBOX").values()) == ["Bin me", "Keep", "Marked elsewhere"]
        assert_in_step(account, plain_mailbox)


def test_hard_delete_expunges_that_uid_and_never_another_clients_deleted_message(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Gone for good", "Marked elsewhere"])
    with schema_context(acme.schema_name):
        marked_uid = message(account, "Marked elsewhere").uid
        with mailbox.other_client() as other:
            other.select_folder("INBOX")
            other.add_flags([marked_uid], [b"\\Deleted"])
        account_sync(account=account)
        # when
        act(acme, account, Action.DELETE, ["Gone for good"])
        # then
        assert subjects_on_server(mailbox, "INBOX") == {marked_uid: "Marked elsewhere"}
        assert server_folders(mailbox)["INBOX"] == {marked_uid: ["\\Deleted"]}
        assert not MailMessage.objects.filter(account=account, subject="Gone for good").exists()
        assert_in_step(account, mailbox)


def test_hard_delete_without_uidplus_is_refused_and_changes_nothing(
    acme: TestTenant, dovecot_no_uidplus: DovecotServer
):
    mailbox = mailbox_make(dovecot_no_uidplus, None)
    account = synced_account(acme, mailbox, ["Stays", "Marked elsewhere"])
    with schema_context(acme.schema_name):
        marked_uid = message(account, "Marked elsewhere").uid
        with mailbox.other_client() as other:
            other.select_folder("INBOX")
            other.add_flags([marked_uid], [b"\\Deleted"])
        account_sync(account=account)
        before = server_folders(mailbox)
        # when
        with pytest.raises(ActionRefused) as refused:
            act(acme, account, Action.DELETE, ["Stays"])
        # then
        assert refused.value.code == "uidplus_required"
        assert refused.value.message == (
            "This mail server cannot delete messages permanently safely: it lacks UIDPLUS, and a plain EXPUNGE "
            "would also remove messages another mail client marked as deleted."
        )
        assert server_folders(mailbox) == before
        assert MailActionJob.objects.get(account=account).state == "failed"
        assert_in_step(account, mailbox)
        # and moving is still possible (MOVE needs no expunge of ours)
        act(acme, account, Action.TRASH, ["Stays"])
        assert list(subjects_on_server(mailbox, "Trash").values()) == ["Stays"]
        assert_in_step(account, mailbox)


def test_a_move_the_server_did_not_report_uids_for_is_fetched_by_the_next_sync(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Moved quietly"])
    with schema_context(acme.schema_name):
        moving = message(account, "Moved quietly")
        archive = MailFolder.objects.get(account=account, role="archive")
        with mailbox.other_client() as other:
            other.select_folder("INBOX")
            other.move([moving.uid], "Archive")
        # when our rows follow a move whose answer had no COPYUID
        rows_moved(
            source=moving.folder,
            destination=archive,
            rows=[Row(moving.pk, moving.folder_id, moving.uid)],
            moved=Moved(),
            trashed=False,
        )
        # then the row is dropped rather than guessed, and the sync brings the message back where it is
        assert not MailMessage.objects.filter(pk=moving.pk).exists()
        account_sync(account=account)
        assert message(account, "Moved quietly").folder_id == archive.pk
        assert_in_step(account, mailbox)


def test_a_sync_that_ran_between_the_move_and_our_rows_wins(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Raced"])
    with schema_context(acme.schema_name):
        moving = message(account, "Raced")
        trash = MailFolder.objects.get(account=account, role="trash")
        with mailbox.other_client() as other:
            other.select_folder("INBOX")
            moved = ImapWriter(other).move([moving.uid], "Trash")
        # given a sync that already fetched the message into Trash and dropped it from the inbox
        account_sync(account=account)
        synced_id = message(account, "Raced").pk
        # when our rows follow the move afterwards
        rows_moved(
            source=moving.folder,
            destination=trash,
            rows=[Row(moving.pk, moving.folder_id, moving.uid)],
            moved=moved,
            trashed=True,
        )
        # then the synced row stands, nothing is doubled, and nothing fails
        assert list(MailMessage.objects.filter(account=account).values_list("pk", "folder_id")) == [
            (synced_id, trash.pk)
        ]
        assert_in_step(account, mailbox)


def test_empty_trash_removes_everything_in_trash_only(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["One", "Two", "Inbox stays"])
    with schema_context(acme.schema_name):
        act(acme, account, Action.TRASH, ["One", "Two"])
        mailbox.append(messages.simple("Trashed on the phone", message_id="<phone@x>"), folder="Trash")
        # when
        deleted = trash_empty(actor=owner(acme), account=account)
        # then
        assert deleted == 3
        assert subjects_on_server(mailbox, "Trash") == {}
        assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Inbox stays"]
        assert not MailMessage.objects.filter(account=account, folder__name="Trash").exists()
        assert_in_step(account, mailbox)


# --- move, flags, keywords, spam ------------------------------------------------------------------------------
def test_move_flags_and_keywords_are_written_to_the_server(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Invoice", "Note"])
    with schema_context(acme.schema_name):
        archive = MailFolder.objects.get(account=account, role="archive")
        act(acme, account, Action.MOVE, ["Invoice"], target_folder=archive)
        assert list(subjects_on_server(mailbox, "Archive").values()) == ["Invoice"]
        assert_in_step(account, mailbox)
        act(acme, account, Action.READ, ["Invoice", "Note"])
        act(acme, account, Action.FLAG, ["Note"])
        act(acme, account, Action.KEYWORD_ADD, ["Invoice", "Note"], keyword="$Work")
        state = server_folders(mailbox)
        assert list(state["Archive"].values()) == [["$Work", "\\Seen"]]
        assert list(state["INBOX"].values()) == [["$Work", "\\Flagged", "\\Seen"]]
        assert (message(account, "Note").is_read, message(account, "Note").is_flagged) == (True, True)
        assert_in_step(account, mailbox)
        act(acme, account, Action.UNREAD, ["Note"])
        act(acme, account, Action.UNFLAG, ["Note"])
        act(acme, account, Action.KEYWORD_REMOVE, ["Note"], keyword="$Work")
        assert list(server_folders(mailbox)["INBOX"].values()) == [[]]
        assert message(account, "Note").flags == []
        assert_in_step(account, mailbox)


def test_spam_goes_to_junk_and_not_spam_back_to_the_inbox(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Cheap pills"])
    with schema_context(acme.schema_name):
        act(acme, account, Action.SPAM, ["Cheap pills"])
        assert list(subjects_on_server(mailbox, "Junk").values()) == ["Cheap pills"]
        assert message(account, "Cheap pills").folder.role == "junk"
        assert_in_step(account, mailbox)
        act(acme, account, Action.NOT_SPAM, ["Cheap pills"])
        assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Cheap pills"]
        assert message(account, "Cheap pills").folder.role == "inbox"
        assert_in_step(account, mailbox)


def test_large_selection_runs_in_batches_per_folder_with_progress(
    acme: TestTenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    # given 45 messages in the inbox and 5 in Archive, batches of 20
    with mailbox.other_client() as client:
        for number in range(50):
            folder = "Archive" if number >= 45 else "INBOX"
            client.append(folder, messages.simple(f"Bulk {number}", message_id=f"<bulk{number}@x>"))
    account = account_make(acme, mailbox)
    monkeypatch.setattr(actions, "BATCH_SIZE", 20)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        job = MailActionJob.objects.create(
            account=account,
            actor=owner(acme),
            action=Action.TRASH,
            message_ids=list(MailMessage.objects.filter(account=account).values_list("id", flat=True)),
            total=50,
        )
        progress: list[int] = []
        # when
        done = ActionRun(job, progress.append).run()
        # then
        assert done == 50
        assert sorted(progress) == progress
        assert progress[-1] == 50
        assert len(progress) == 4  # 20 + 20 + 5 from the inbox, 5 from Archive
        assert len(subjects_on_server(mailbox, "Trash")) == 50
        assert_in_step(account, mailbox)
        # and running the same job again (a retried task) finds nothing left to do
        assert ActionRun(job, progress.append).run() == 0


# --- refusals -------------------------------------------------------------------------------------------------
def test_bad_actions_are_refused_before_anything_is_written(acme: TestTenant, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Untouched"])
    with schema_context(acme.schema_name):
        before = server_folders(mailbox)
        with pytest.raises(ValidationError) as no_folder:
            act(acme, account, Action.MOVE, ["Untouched"])
        assert no_folder.value.message_dict == {"folder": ["Choose the folder to move to."]}
        with pytest.raises(ValidationError) as bad_keyword:
            act(acme, account, Action.KEYWORD_ADD, ["Untouched"], keyword="two words")
        assert list(bad_keyword.value.message_dict) == ["keyword"]
        with pytest.raises(ValidationError) as foreign:
            mail_action_start(actor=owner(acme), account=account, action=Action.READ, message_ids=[2**62])
        assert foreign.value.message_dict == {"message_ids": ["Every id must be a message of this account."]}
        assert server_folders(mailbox) == before
        assert not MailActionJob.objects.filter(account=account).exists()


def test_a_reader_of_a_shared_inbox_may_triage_but_not_move_or_delete(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.accounts.tests.conftest import person_make
    from tenant_apps.mail.services import mail_account_share

    account = synced_account(acme, mailbox, ["Shared"])
    reader = person_make(acme, email="reader@acme.test")
    with schema_context(acme.schema_name):
        mail_account_share(actor=owner(acme), account=account, user_ids=[reader.id])
        actor = User.objects.get(pk=reader.id)
        ids = [message(account, "Shared").pk]
        with pytest.raises(PermissionDenied):
            mail_action_start(actor=actor, account=account, action=Action.TRASH, message_ids=ids)
        assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Shared"]
        mail_action_start(actor=actor, account=account, action=Action.READ, message_ids=ids)
        assert list(server_folders(mailbox)["INBOX"].values()) == [["\\Seen"]]


def test_copyuid_pairs_uids_by_position():
    assert uid_sequence(b"4,2:3,9:7") == [4, 2, 3, 9, 8, 7]
    moved = copyuid_parse([b"[COPYUID 38505 304,319:320 3956:3958] Done"])
    assert (moved.uid_validity, moved.new_uids) == (38505, {304: 3956, 319: 3957, 320: 3958})
    assert copyuid_parse([b"Moved"]).new_uids == {}

"""The mail actions API and folders against the real Dovecot: errors in the one shape, jobs with progress run
through Celery in the tenant's schema, and one company never reaches another's mail."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.models import MailActionJob, MailFolder, MailMessage
from tenant_apps.mail.tasks import DONE, mail_action_job_run
from tenant_apps.mail.tests.conftest import Mailbox
from tenant_apps.mail.tests.test_actions import (
    assert_in_step,
    server_folders,
    subjects_on_server,
    synced_account,
)


def _ids(tenant: TestTenant, subjects: list[str]) -> list[int]:
    with schema_context(tenant.schema_name):
        return [MailMessage.objects.get(subject=subject).pk for subject in subjects]


def _folder_id(tenant: TestTenant, name: str) -> int:
    with schema_context(tenant.schema_name):
        return MailFolder.objects.get(name=name).pk


def test_trash_and_undo_through_the_api(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Oops", "Fine"])
    ids = _ids(acme, ["Oops"])
    path = f"/api/mail/accounts/{account.pk}/messages/actions"
    trashed = acme_owner_client.post(path, {"action": "trash", "message_ids": ids}, format="json")
    assert trashed.status_code == 200, trashed.content
    assert {key: trashed.json()[key] for key in ("action", "state", "done", "total", "error")} == {
        "action": "trash",
        "state": "done",
        "done": 1,
        "total": 1,
        "error": "",
    }
    assert list(subjects_on_server(mailbox, "Trash").values()) == ["Oops"]
    undone = acme_owner_client.post(path, {"action": "restore", "message_ids": ids}, format="json")
    assert undone.status_code == 200
    assert sorted(subjects_on_server(mailbox, "INBOX").values()) == ["Fine", "Oops"]
    with schema_context(acme.schema_name):
        assert_in_step(account, mailbox)


def test_an_action_on_a_filter_runs_as_a_job_through_celery(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox, django_capture_on_commit_callbacks
):
    account = synced_account(acme, mailbox, ["Newsletter one", "Newsletter two", "Personal"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = acme_owner_client.post(
            f"/api/mail/accounts/{account.pk}/messages/actions",
            {"action": "read", "filter": {"q": "newsletter"}},
            format="json",
        )
    assert started.status_code == 202, started.content
    job = started.json()
    assert (job["state"], job["done"], job["total"]) == ("queued", 0, 2)
    assert len(callbacks) == 1
    # when the queued task runs through Celery's machinery in the tenant's schema
    with schema_context(acme.schema_name):
        assert mail_action_job_run.apply(kwargs={"job_id": job["id"]}).get() == DONE
    # then the job reads done, and the server has the flags
    progress = acme_owner_client.get(f"/api/mail/action-jobs/{job['id']}")
    assert progress.status_code == 200
    assert (progress.json()["state"], progress.json()["done"], progress.json()["total"]) == ("done", 2, 2)
    flags = {subject: uid for uid, subject in subjects_on_server(mailbox, "INBOX").items()}
    assert server_folders(mailbox)["INBOX"][flags["Newsletter one"]] == ["\\Seen"]
    assert server_folders(mailbox)["INBOX"][flags["Personal"]] == []
    with schema_context(acme.schema_name):
        assert_in_step(account, mailbox)


def test_bad_requests_get_the_one_error_shape_and_change_nothing(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    account = synced_account(acme, mailbox, ["Untouched"])
    path = f"/api/mail/accounts/{account.pk}/messages/actions"
    ids = _ids(acme, ["Untouched"])
    before = server_folders(mailbox)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"action": "explode", "message_ids": ids}, "action"),
        ({"action": "read"}, "message_ids"),
        ({"action": "read", "message_ids": ids, "filter": {}}, "message_ids"),
        ({"action": "move", "message_ids": ids}, "folder"),
        ({"action": "move", "message_ids": ids, "folder": 2**62}, "folder"),
        ({"action": "keyword_add", "message_ids": ids, "keyword": "a\r\nb"}, "keyword"),
        ({"action": "read", "message_ids": [2**62]}, "message_ids"),
        ({"action": "read", "message_ids": ["x"]}, "message_ids.0"),
        ({"action": "read", "filter": {"since": "yesterday"}}, "filter.since"),
    ]
    for payload, field in cases:
        response = acme_owner_client.post(path, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert field in error["fields"], (payload, error)
    assert server_folders(mailbox) == before
    with schema_context(acme.schema_name):
        assert not MailActionJob.objects.exists()


def test_folders_are_created_renamed_and_deleted_on_the_server(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    account = synced_account(acme, mailbox, ["Filed"])
    folders_path = f"/api/mail/accounts/{account.pk}/folders"
    # create a folder and one inside it
    clients = acme_owner_client.post(folders_path, {"name": "Clients"}, format="json")
    assert clients.status_code == 201, clients.content
    assert (clients.json()["name"], clients.json()["total_count"]) == ("Clients", 0)
    acme_child = acme_owner_client.post(
        folders_path, {"name": "Acme Ltd", "parent_id": clients.json()["id"]}, format="json"
    )
    assert acme_child.json()["name"] == "Clients/Acme Ltd"
    # move a message into the child
    moved = acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/messages/actions",
        {"action": "move", "message_ids": _ids(acme, ["Filed"]), "folder": acme_child.json()["id"]},
        format="json",
    )
    assert moved.status_code == 200
    assert list(subjects_on_server(mailbox, "Clients/Acme Ltd").values()) == ["Filed"]
    # rename the parent: the child follows, on the server and here
    renamed = acme_owner_client.patch(f"/api/mail/folders/{clients.json()['id']}", {"name": "Customers"}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "Customers"
    on_server = set(server_folders(mailbox))
    assert {"Customers", "Customers/Acme Ltd"} <= on_server
    assert not {"Clients", "Clients/Acme Ltd"} & on_server
    with schema_context(acme.schema_name):
        assert_in_step(account, mailbox)
    # a folder with subfolders, the inbox and special-use folders are refused
    for folder_id, word in (
        (clients.json()["id"], "subfolders"),
        (_folder_id(acme, "INBOX"), "special"),
        (_folder_id(acme, "Trash"), "special"),
    ):
        refused = acme_owner_client.delete(f"/api/mail/folders/{folder_id}")
        assert refused.status_code == 400
        assert word in refused.json()["error"]["fields"]["folder"][0]
    assert (
        acme_owner_client.patch(
            f"/api/mail/folders/{_folder_id(acme, 'Sent')}", {"name": "Outbox"}, format="json"
        ).status_code
        == 400
    )
    # names that cannot be folders, and a taken one
    for name in ("", "a/b", "star*", "x" * 201, "inbox", "Customers"):
        bad = acme_owner_client.post(folders_path, {"name": name}, format="json")
        assert bad.status_code == 400, name
        assert list(bad.json()["error"]["fields"]) == ["name"]
    # delete the child, then the parent: gone on the server, and the message with them
    assert acme_owner_client.delete(f"/api/mail/folders/{acme_child.json()['id']}").status_code == 204
    assert acme_owner_client.delete(f"/api/mail/folders/{clients.json()['id']}").status_code == 204
    assert not {"Customers", "Customers/Acme Ltd"} & set(server_folders(mailbox))
    with schema_context(acme.schema_name):
        assert not MailMessage.objects.filter(subject="Filed").exists()
        assert_in_step(account, mailbox)


def test_empty_trash_through_the_api(acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox):
    account = synced_account(acme, mailbox, ["Bin"])
    acme_owner_client.post(
        f"/api/mail/accounts/{account.pk}/messages/actions",
        {"action": "trash", "message_ids": _ids(acme, ["Bin"])},
        format="json",
    )
    emptied = acme_owner_client.post(f"/api/mail/accounts/{account.pk}/trash/empty")
    assert emptied.status_code == 200
    assert emptied.json() == {"deleted": 1}
    assert subjects_on_server(mailbox, "Trash") == {}


def test_a_reader_gets_403_for_changes_and_nothing_happens(acme: TestTenant, mailbox: Mailbox):
    from tenant_apps.accounts.tests.conftest import person_make
    from tenant_apps.mail.tests.conftest import owner_client

    account = synced_account(acme, mailbox, ["Shared"])
    reader = person_make(acme, email="reader-api@acme.test")
    owner = owner_client(acme)
    assert (
        owner.put(f"/api/mail/accounts/{account.pk}/share", {"user_ids": [reader.id]}, format="json").status_code == 200
    )
    ids = _ids(acme, ["Shared"])
    path = f"/api/mail/accounts/{account.pk}/messages/actions"
    for response in (
        reader.client.post(path, {"action": "trash", "message_ids": ids}, format="json"),
        reader.client.post(path, {"action": "delete", "message_ids": ids}, format="json"),
        reader.client.post(f"/api/mail/accounts/{account.pk}/trash/empty"),
        reader.client.post(f"/api/mail/accounts/{account.pk}/folders", {"name": "Mine"}, format="json"),
        reader.client.delete(f"/api/mail/folders/{_folder_id(acme, 'Archive')}"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert list(subjects_on_server(mailbox, "INBOX").values()) == ["Shared"]
    assert "Mine" not in server_folders(mailbox)
    # triage is allowed
    assert reader.client.post(path, {"action": "flag", "message_ids": ids}, format="json").status_code == 200
    assert list(server_folders(mailbox)["INBOX"].values()) == [["\\Flagged"]]


def test_another_company_reaches_none_of_it(
    acme: TestTenant, globex: TestTenant, globex_owner_client: Any, mailbox: Mailbox
):
    # given acme's account, a finished job and a folder of its own
    account = synced_account(acme, mailbox, ["Secret"])
    ids = _ids(acme, ["Secret"])
    with schema_context(acme.schema_name):
        from tenant_apps.mail.actions import Action, mail_action_start
        from tenant_apps.mail.folders import mail_folder_create

        owner = account.owner
        job = mail_action_start(actor=owner, account=account, action=Action.FLAG, message_ids=ids)
        folder = mail_folder_create(actor=owner, account=account, name="Private")
    before = server_folders(mailbox)
    # when globex uses acme's ids on every endpoint
    responses = [
        globex_owner_client.post(
            f"/api/mail/accounts/{account.pk}/messages/actions", {"action": "trash", "message_ids": ids}, format="json"
        ),
        globex_owner_client.get(f"/api/mail/action-jobs/{job.pk}"),
        globex_owner_client.post(f"/api/mail/accounts/{account.pk}/trash/empty"),
        globex_owner_client.post(f"/api/mail/accounts/{account.pk}/folders", {"name": "Stolen"}, format="json"),
        globex_owner_client.patch(f"/api/mail/folders/{folder.pk}", {"name": "Renamed"}, format="json"),
        globex_owner_client.delete(f"/api/mail/folders/{folder.pk}"),
    ]
    # then nothing is found and nothing changes
    assert [response.status_code for response in responses] == [404] * len(responses)
    assert all(response.json()["error"]["code"] == "not_found" for response in responses)
    assert server_folders(mailbox) == before
    with schema_context(acme.schema_name):
        assert MailFolder.objects.filter(pk=folder.pk, name="Private").exists()
        assert MailMessage.objects.get(pk=ids[0]).folder.name == "INBOX"
    with schema_context(globex.schema_name):
        assert not MailActionJob.objects.exists()


def test_a_folder_the_server_refuses_is_409_with_its_words_and_not_stored(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    # given a folder another client created since our last sync
    account = synced_account(acme, mailbox, ["Any"])
    with mailbox.other_client() as other:
        other.create_folder("Projects")
    # when
    refused = acme_owner_client.post(f"/api/mail/accounts/{account.pk}/folders", {"name": "Projects"}, format="json")
    # then
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "mail_server_error"
    assert "ALREADYEXISTS" in error["message"]
    with schema_context(acme.schema_name):
        assert not MailFolder.objects.filter(account=account, name="Projects").exists()
        assert_in_step(account, mailbox)

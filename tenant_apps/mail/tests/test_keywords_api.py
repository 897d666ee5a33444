"""Keywords through the actions API: a folder where the server keeps no keywords (a real Dovecot whose ACL gives
no "w" right, so PERMANENTFLAGS lists no \\*) is refused in the one error shape with nothing changed on the server
or in our rows; the keyword field is optional, and a missing, empty or malformed keyword gets a clear error."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailActionJob, MailFolder, MailMessage
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import (
    Mailbox,
    SmtpAuthServer,
    _dovecot_or_fail,
    account_make,
    mailbox_make,
)
from tenant_apps.mail.tests.dovecot import ACL_CONFIG, DovecotServer
from tenant_apps.mail.tests.test_actions import server_folders

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dovecot_acl() -> Iterator[DovecotServer]:
    yield from _dovecot_or_fail(extra_config=ACL_CONFIG)


@pytest.fixture
def acl_mailbox(dovecot_acl: DovecotServer, smtp_server: SmtpAuthServer) -> Mailbox:
    return mailbox_make(dovecot_acl, smtp_server)


def _folder_without_keywords(mailbox: Mailbox, name: str) -> None:
    """The owner may read, mark seen and delete in `name`, but not write other flags or keywords."""
    acl = mailbox.dovecot.base_dir / "mail" / mailbox.username / "Maildir" / f".{name}" / "dovecot-acl"
    acl.write_text("owner lrsti\n")
    shutil.chown(acl, "nobody", "nogroup")
    with mailbox.other_client() as client:
        assert b"\\*" not in client.select_folder(name)[b"PERMANENTFLAGS"]


def _ids(tenant: TestTenant, subjects: list[str]) -> list[int]:
    with schema_context(tenant.schema_name):
        return [MailMessage.objects.get(subject=subject).pk for subject in subjects]


def test_a_folder_without_keywords_is_refused_and_nothing_changes(
    acme: TestTenant, acme_owner_client: Any, acl_mailbox: Mailbox
):
    # given a message in each of two folders, and the server keeping no keywords in the one our run reaches last
    with acl_mailbox.other_client() as client:
        client.create_folder("Alpha")
        client.create_folder("Beta")
    acl_mailbox.append(messages.simple("Alpha one", message_id="<alpha-1@example.org>"), folder="Alpha")
    acl_mailbox.append(messages.simple("Beta one", message_id="<beta-1@example.org>"), folder="Beta")
    account = account_make(acme, acl_mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        # the run goes through the folders in id order: a refusal found only there would come too late
        first, last = MailFolder.objects.filter(account=account, name__in=["Alpha", "Beta"]).order_by("pk")
        rows_before = sorted(MailMessage.objects.filter(account=account).values_list("subject", "flags"))
    _folder_without_keywords(acl_mailbox, last.name)
    before = server_folders(acl_mailbox)
    path = f"/api/mail/accounts/{account.pk}/messages/actions"

    # when a keyword is added to both messages
    ids = _ids(acme, ["Alpha one", "Beta one"])
    refused = acme_owner_client.post(path, {"action": "keyword_add", "message_ids": ids, "keyword": "$Work"}, "json")

    # then it is refused in the one error shape, naming the folder, and neither message changed anywhere
    assert refused.status_code == 409, refused.content
    assert refused.json() == {
        "error": {
            "code": "keywords_not_supported",
            "message": f"The mail server does not allow keywords in the folder {last.name}; nothing was changed.",
            "fields": {},
        }
    }
    assert server_folders(acl_mailbox) == before
    with schema_context(acme.schema_name):
        assert sorted(MailMessage.objects.filter(account=account).values_list("subject", "flags")) == rows_before
        job = MailActionJob.objects.get(account=account)
        assert (job.state, job.done, job.error) == ("failed", 0, refused.json()["error"]["message"])

    # and the other folder alone still takes the keyword
    allowed = _ids(acme, [f"{first.name} one"])
    added = acme_owner_client.post(path, {"action": "keyword_add", "message_ids": allowed, "keyword": "$Work"}, "json")
    assert added.status_code == 200, added.content
    assert list(server_folders(acl_mailbox)[first.name].values()) == [["$Work"]]


def test_the_keyword_field_is_optional_and_a_bad_keyword_is_named(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    mailbox.append(messages.simple("Plain", message_id="<plain-1@example.org>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
    path = f"/api/mail/accounts/{account.pk}/messages/actions"
    ids = _ids(acme, ["Plain"])
    before = server_folders(mailbox)
    rule = "A keyword is 1 to 100 letters, digits or !#$&'+-.:;<=>?@^_`|~, without spaces."
    cases: list[tuple[dict[str, Any], str]] = [
        ({"action": "keyword_add"}, f"Give the keyword to add or remove. {rule}"),
        ({"action": "keyword_remove", "keyword": ""}, f"Give the keyword to add or remove. {rule}"),
        ({"action": "keyword_add", "keyword": "two words"}, f"'two words' is not a keyword. {rule}"),
        ({"action": "keyword_add", "keyword": "work\n"}, f"'work\\n' is not a keyword. {rule}"),
        ({"action": "keyword_add", "keyword": "x" * 101}, f"'{'x' * 100}' is not a keyword. {rule}"),
        ({"action": "read", "keyword": "$Work"}, "Only keyword_add and keyword_remove take a keyword."),
    ]
    for payload, words in cases:
        response = acme_owner_client.post(path, {**payload, "message_ids": ids}, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["error"]["code"] == "invalid"
        assert response.json()["error"]["fields"] == {"keyword": [words]}, payload
    assert server_folders(mailbox) == before
    with schema_context(acme.schema_name):
        assert not MailActionJob.objects.filter(account=account).exists()
    # an action without a keyword, with the field left out or empty, is fine
    for payload in ({"action": "read"}, {"action": "unread", "keyword": ""}):
        response = acme_owner_client.post(path, {**payload, "message_ids": ids}, format="json")
        assert response.status_code == 200, (payload, response.content)
    assert list(server_folders(mailbox)["INBOX"].values()) == [[]]

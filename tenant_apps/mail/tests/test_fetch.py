"""The fetch steps of an initial sync against a real Dovecot: sizes read fast, and a parse worker's kept session."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap import sync
from tenant_apps.mail.imap.connection import ServerSettings
from tenant_apps.mail.imap.fetch import uid_sizes
from tenant_apps.mail.imap.sync import FetchJob, account_server, fetch_and_parse
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make


def _sizes_by_imapclient(mailbox: Mailbox) -> dict[int, int]:
    with mailbox.other_client() as client:
        client.select_folder("INBOX", readonly=True)
        return {uid: values[b"RFC822.SIZE"] for uid, values in client.fetch(client.search(), ["RFC822.SIZE"]).items()}


def test_uid_sizes_reads_what_imapclient_reads(mailbox: Mailbox):
    # given three messages of different sizes
    for number in range(3):
        mailbox.append(messages.simple(f"Size {number}", message_id=f"<size{number}@x>", body="y" * (number * 5000)))
    expected = _sizes_by_imapclient(mailbox)
    # when
    with mailbox.other_client() as client:
        client.select_folder("INBOX", readonly=True)
        sizes = uid_sizes(client, "1:*")
    # then
    assert sizes == expected
    assert len(set(sizes.values())) == 3


def test_uid_sizes_with_an_unsolicited_answer_in_between_falls_back_to_the_full_parser(mailbox: Mailbox):
    # given a session that has the folder selected while another client flags a message
    for number in range(3):
        mailbox.append(messages.simple(f"Flag {number}", message_id=f"<flag{number}@x>", body="z" * (number * 700)))
    expected = _sizes_by_imapclient(mailbox)
    with mailbox.other_client() as client:
        client.select_folder("INBOX", readonly=True)
        with mailbox.other_client() as other:
            other.select_folder("INBOX")
            other.add_flags([2], [b"\\Flagged"])
        # when the sizes are asked next (the server reports the flag change with them, without a UID)
        sizes = uid_sizes(client, "1:*")
    # then every size is right and the flag report is not taken for a message
    assert sizes == expected


def _job(server: ServerSettings, uid_validity: int, uid: int, sizes: dict[int, int], blob_root: Path) -> FetchJob:
    return FetchJob(
        server=server,
        folder_name="INBOX",
        uid_validity=uid_validity,
        uids=[uid],
        sizes=sizes,
        size_limit=10_000_000,
        condstore=True,
        blob_root=str(blob_root),
    )


def test_worker_keeps_its_session_between_batches_and_replaces_a_dead_one(
    acme: TestTenant, mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # given two messages and a worker's fetch job per message
    for number in range(2):
        mailbox.append(messages.simple(f"Kept {number}", message_id=f"<kept{number}@x>"))
    sizes = _sizes_by_imapclient(mailbox)
    with mailbox.other_client() as client:
        uid_validity = int(client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"])
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        server = account_server(account)
    jobs = [_job(server, uid_validity, uid, sizes, tmp_path) for uid in sorted(sizes)]
    monkeypatch.setattr(sync, "WORKER_SESSION_IDLE_SECONDS", 0.5)
    try:
        # when the first batch is fetched, its session kept
        first, parsed_first, _ = fetch_and_parse(jobs[0])
        kept = sync._worker_session.client
        assert kept is not None
        # and the kept session dies before the next batch (the server or the network drops it)
        kept.socket().shutdown(socket.SHUT_RDWR)
        second, parsed_second, _ = fetch_and_parse(jobs[1])
        # then both batches came, the second over a new session
        assert [parsed_first[0].subject, parsed_second[0].subject] == ["Kept 0", "Kept 1"]
        assert [first[0].uid, second[0].uid] == sorted(sizes)
        assert sync._worker_session.client is not None
        assert sync._worker_session.client is not kept
        # and once no batch comes for a while, the session is logged out
        deadline = time.monotonic() + 5
        while sync._worker_session.client is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sync._worker_session.client is None
    finally:
        sync._worker_session.expire()

"""Mail blobs: the sync packs a batch's raw messages and attachments into one file, every blob reads back, and a
deleted account's blobs go unless another row of the tenant refers to the same bytes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models import CharField, F, Func
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail import services
from tenant_apps.mail.blobs import UNREFERENCED_GRACE_SECONDS
from tenant_apps.mail.imap.sync import _lz4_offered, account_sync
from tenant_apps.mail.models import MailAttachment, MailBlob, MailMessage, MailUpload
from tenant_apps.mail.storage import blob_path, blob_read, blob_write, mail_blob_root
from tenant_apps.mail.tasks import mail_blobs_collect
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.broker import broker, queued
from tenant_apps.mail.tests.conftest import Mailbox, account_make, mailbox_make, owner_client
from tenants.db import connection


@pytest.fixture
def media(settings, tmp_path: Path) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path
    broker().delete("mail")
    yield tmp_path
    broker().delete("mail")


def _packs(root: Path) -> set[str]:
    return {path.name for path in (root / "packs").glob("*/*")}


def test_a_batch_is_one_pack_and_every_blob_reads_back(acme: TestTenant, mailbox: Mailbox, media: Path):
    originals = [messages.simple("One", message_id="<p1@x>"), messages.with_attachment("Two", message_id="<p2@x>")]
    for raw in originals:
        mailbox.append(raw)
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        root = mail_blob_root(acme.schema_name)
        # one file for the whole batch, none per message
        assert len(_packs(root)) == 1
        assert not [path for path in root.glob("??/*")]
        raws = MailMessage.objects.filter(account=account).order_by("uid").values_list("raw_sha256", flat=True)
        assert [blob_read(root, sha256) for sha256 in raws] == originals
        (attachment,) = MailAttachment.objects.filter(message__account=account)
        assert blob_read(root, attachment.sha256) == b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"
        assert MailBlob.objects.filter(sha256__in=[*raws, attachment.sha256]).count() == 3


def test_deleting_an_account_removes_the_blobs_only_it_referred_to(
    acme: TestTenant, mailbox: Mailbox, dovecot, smtp_server, media: Path, django_capture_on_commit_callbacks
):
    # given two accounts of the tenant whose messages carry the same attachment
    mine = messages.simple("Only mine", message_id="<mine@x>")
    mailbox.append(mine)
    mailbox.append(messages.with_attachment("Report", message_id="<r1@x>"))
    colleague = mailbox_make(dovecot, smtp_server)
    colleague.append(messages.with_attachment("Fwd: Report", message_id="<r2@x>"))
    leaving = account_make(acme, mailbox)
    staying = account_make(acme, colleague)
    root = mail_blob_root(acme.schema_name)
    # and loose files (uploads): one nobody refers to for long, one just written
    forgotten = blob_write(root, b"an upload nobody refers to")
    old = time.time() - UNREFERENCED_GRACE_SECONDS - 60
    os.utime(blob_path(root, forgotten), (old, old))
    fresh = blob_write(root, b"an upload whose message is being saved")
    with schema_context(acme.schema_name):
        account_sync(account=leaving)
        account_sync(account=staying)
        leaving_raws = set(MailMessage.objects.filter(account=leaving).values_list("raw_sha256", flat=True))
        staying_raws = set(MailMessage.objects.filter(account=staying).values_list("raw_sha256", flat=True))
        (shared,) = set(MailAttachment.objects.values_list("sha256", flat=True))
        packs_before = _packs(root)
        assert len(packs_before) == 2
        owner = User.objects.get(email=acme.owner_email)
        broker().delete("mail")

        # when the account is deleted
        with django_capture_on_commit_callbacks(execute=True):
            services.mail_account_delete(actor=owner, account=leaving)

        # then the clean-up is queued for this tenant; a worker runs it
        assert [(message["task"], message["schema"]) for message in queued("mail")] == [
            ("mail.blobs_collect", acme.schema_name)
        ]
        removed = mail_blobs_collect.apply().get()

        assert [blob_read(root, sha256) for sha256 in leaving_raws] == [None, None]
        assert not MailBlob.objects.filter(sha256__in=leaving_raws).exists()
        # the shared attachment and the other account's message are intact
        assert blob_read(root, shared) == b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"
        assert [blob_read(root, sha256) for sha256 in staying_raws] == [
            messages.with_attachment("Fwd: Report", message_id="<r2@x>")
        ]
        assert not blob_path(root, forgotten).exists()
        assert blob_path(root, fresh).exists()
        # the leaving account's pack holds the shared attachment, so it stays
        assert _packs(root) == packs_before
        assert removed == 3  # two raw messages, one loose file

        # when the other account goes too, every pack goes
        with django_capture_on_commit_callbacks(execute=True):
            services.mail_account_delete(actor=owner, account=staying)
        mail_blobs_collect.apply().get()
        assert _packs(root) == set()
        assert not MailBlob.objects.exists()
        assert blob_path(root, fresh).exists()


def test_message_bodies_are_compressed_with_lz4_where_the_server_offers_it(acme: TestTenant, mailbox: Mailbox):
    body = "Quarterly numbers, line by line.\r\n" * 600  # long enough to be compressed
    mailbox.append(messages.simple("Long", message_id="<long@x>", body=body))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        (compression,) = (
            MailMessage.objects.filter(account=account)
            .annotate(compression=Func(F("text_body"), function="pg_column_compression", output_field=CharField()))
            .values_list("compression", flat=True)
        )
    assert compression == ("lz4" if _lz4_offered(connection.alias) else "pglz")


def test_a_forwarded_attachment_in_a_pack_downloads_as_an_upload(acme: TestTenant, mailbox: Mailbox, media: Path):
    mailbox.append(messages.with_attachment("Report", message_id="<fwd@x>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        (attachment,) = MailAttachment.objects.filter(message__account=account)
        # what forwarding does: an upload of the same stored bytes, nothing copied
        upload = MailUpload.objects.create(
            owner=User.objects.get(email=acme.owner_email),
            filename="q1.pdf",
            content_type="application/pdf",
            size=attachment.size,
            sha256=attachment.sha256,
        )
    response = owner_client(acme).get(f"/api/mail/uploads/{upload.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"

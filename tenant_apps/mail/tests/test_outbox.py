"""The outbox against a real SMTP server (aiosmtpd, recording what it accepts) and the real Dovecot: the bytes
delivered, threading, attachments, Bcc kept out of headers, the Sent copy, undo, failures in the server's
words, retries and crashes that never send twice silently."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailAccount, MailFolder, MailMessage, MailOutgoing, MailUpload
from tenant_apps.mail.outbox import sending, services
from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
from tenant_apps.mail.outbox.sending import outbox_recover, outbox_send
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, ReceivedMail, SmtpAuthServer, account_make
from tenant_apps.webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture(autouse=True)
def _no_undo_window(settings: Any) -> None:
    settings.MAIL_UNDO_SEND_SECONDS = 0


def delivered(smtp: SmtpAuthServer, message_id: str) -> list[ReceivedMail]:
    return [mail for mail in smtp.received if f"<{message_id}>".encode() in mail.data]


def parsed(mail: ReceivedMail) -> EmailMessage:
    message = email.message_from_bytes(mail.data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def owner(tenant: TestTenant) -> User:
    return User.objects.get(email=tenant.owner_email)


def queue(tenant: TestTenant, account: MailAccount, **fields: Any) -> MailOutgoing:
    values: dict[str, Any] = {"to": [Recipient("bob@example.test", "Bob")], "subject": "Hello", "text_body": "Hi"}
    values.update(fields)
    return services.outbox_queue(actor=owner(tenant), account=account, data=ComposeInput(**values))


def test_send_delivers_once_without_bcc_and_files_the_sent_copy(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        outgoing = queue(
            acme,
            account,
            to=[Recipient("bob@example.test", "Bob Example")],
            cc=[Recipient("carol@example.test")],
            bcc=[Recipient("secret@example.test", "Hidden Person")],
            subject="Quarterly numbers",
            text_body="Revenue is up.\n",
            html_body="<p>Revenue is <b>up</b>.</p>",
        )
        # when
        assert outbox_send(outgoing.pk) == sending.SENT
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        outgoing.refresh_from_db()
        # then the server got it once, with every recipient in the envelope and Bcc in no header
        (mail,) = delivered(mailbox.smtp, outgoing.message_id)
        assert mail.mail_from == mailbox.username
        assert sorted(mail.rcpt_tos) == ["bob@example.test", "carol@example.test", "secret@example.test"]
        assert b"secret@example.test" not in mail.data
        assert b"Hidden Person" not in mail.data
        message = parsed(mail)
        assert message["To"] == "Bob Example <bob@example.test>"
        assert message["Cc"] == "carol@example.test"
        assert message["From"] == f"Work <{mailbox.username}>"
        assert message["Subject"] == "Quarterly numbers"
        assert message["Message-ID"] == f"<{outgoing.message_id}>"
        assert body(message, "plain") == "Revenue is up.\n"
        assert body(message, "html").strip() == "<p>Revenue is <b>up</b>.</p>"
        assert (outgoing.status, outgoing.progress, outgoing.attempts, outgoing.last_error) == ("sent", "filed", 1, "")
        # and the Sent folder holds one copy, read, with the Bcc kept for the sender
        with mailbox.other_client() as other:
            other.select_folder("Sent", readonly=True)
            uids = other.search(["HEADER", "Message-ID", f"<{outgoing.message_id}>"])
            assert uids == [outgoing.sent_copy_uid]
            fetched = other.fetch(uids, ["FLAGS", "RFC822"])[uids[0]]
        assert b"\\Seen" in fetched[b"FLAGS"]
        assert fetched[b"RFC822"].startswith(b"Bcc: Hidden Person <secret@example.test>\r\n")
        assert fetched[b"RFC822"].endswith(mail.data)
        # and it reaches the Sent folder here through the normal sync
        account_sync(account=account, folder_names=["Sent"])
        sent_folder = MailFolder.objects.get(account=account, role="sent")
        assert list(MailMessage.objects.filter(folder=sent_folder).values_list("message_id", flat=True)) == [
            outgoing.message_id
        ]


def test_gmail_files_its_own_sent_copy(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=account.pk).update(provider="gmail")
        outgoing = queue(acme, account)
        assert outbox_send(outgoing.pk) == sending.SENT
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1
    with mailbox.other_client() as other:
        other.select_folder("Sent", readonly=True)
        assert other.search(["ALL"]) == []


def test_reply_all_threads_and_quotes_and_forward_carries_attachments(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    mailbox.append(
        messages.simple(
            "Plans",
            sender="Ann Example <ann@example.org>",
            to=f"{mailbox.username}, dave@example.org",
            message_id="<plans-2@example.org>",
            body="Shall we meet?\r\nTuesday works.\r\n",
            extra_headers=(
                "References: <plans-1@example.org>\r\nIn-Reply-To: <plans-1@example.org>\r\nCc: eve@example.org\r\n"
            ),
        )
    )
    mailbox.append(messages.with_attachment("Report", message_id="<report@example.org>"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        plans = MailMessage.objects.get(account=account, message_id="plans-2@example.org")
        report = MailMessage.objects.get(account=account, message_id="report@example.org")
        # when replying to all
        reply = services.outbox_queue(
            actor=owner(acme),
            account=account,
            data=ComposeInput(mode="reply_all", source_message=plans, text_body="Yes, Tuesday."),
        )
        forward = services.outbox_queue(
            actor=owner(acme),
            account=account,
            data=ComposeInput(mode="forward", source_message=report, to=[Recipient("boss@example.test")]),
        )
        assert outbox_send(reply.pk) == sending.SENT
        assert outbox_send(forward.pk) == sending.SENT
    # then the reply is threaded, quoted, and addressed to everyone but me
    reply_message = parsed(delivered(mailbox.smtp, reply.message_id)[0])
    assert reply_message["Subject"] == "Re: Plans"
    assert reply_message["In-Reply-To"] == "<plans-2@example.org>"
    assert reply_message["References"] == "<plans-1@example.org> <plans-2@example.org>"
    assert reply_message["To"] == "Ann Example <ann@example.org>, dave@example.org"
    assert reply_message["Cc"] == "eve@example.org"
    text = body(reply_message, "plain")
    assert text.startswith("Yes, Tuesday.\n\nOn ")
    assert "Ann Example <ann@example.org> wrote:\n> Shall we meet?\n> Tuesday works.\n" in text
    # and the forward carries the attachment, byte for byte
    forward_message = parsed(delivered(mailbox.smtp, forward.message_id)[0])
    assert forward_message["Subject"] == "Fwd: Report"
    (attachment,) = list(forward_message.iter_attachments())
    assert attachment.get_filename() == "q1.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"


def test_undo_within_the_window_sends_nothing(acme: TestTenant, mailbox: Mailbox, settings: Any):
    assert mailbox.smtp is not None
    settings.MAIL_UNDO_SEND_SECONDS = 10
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        outgoing = queue(acme, account)
        assert outgoing.send_at - outgoing.created_at == timedelta(seconds=10)
        # a worker that runs early does not send it
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        services.outbox_undo(actor=owner(acme), outgoing=outgoing)
        MailOutgoing.objects.filter(pk=outgoing.pk).update(send_at=timezone.now() - timedelta(seconds=1))
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        assert MailOutgoing.objects.get(pk=outgoing.pk).status == "cancelled"
        assert delivered(mailbox.smtp, outgoing.message_id) == []


def test_a_refused_recipient_is_shown_in_the_servers_words_and_can_be_retried(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    mailbox.smtp.refusals["nobody@example.test"] = "550 5.1.1 <nobody@example.test>: Recipient address rejected"
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        outgoing = queue(acme, account, to=[Recipient("nobody@example.test")])
        assert outbox_send(outgoing.pk) == sending.FAILED
        outgoing.refresh_from_db()
        assert outgoing.status == "failed"
        assert outgoing.last_error == (
            f"The SMTP server 127.0.0.1:{mailbox.smtp.port} refused nobody@example.test: "
            "550 5.1.1 <nobody@example.test>: Recipient address rejected"
        )
        assert outgoing.delivery_uncertain is False
        assert delivered(mailbox.smtp, outgoing.message_id) == []
        # when the address is fixed on the server side and the user retries
        del mailbox.smtp.refusals["nobody@example.test"]
        services.outbox_retry(actor=owner(acme), outgoing=outgoing)
        assert outbox_send(outgoing.pk) == sending.SENT
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1
        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.attempts, outgoing.last_error) == ("sent", 2, "")


def test_a_temporary_refusal_is_retried_later_with_backoff(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    mailbox.smtp.refusals["busy@example.test"] = "451 4.7.1 Greylisted, try again later"
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        outgoing = queue(acme, account, to=[Recipient("busy@example.test")])
        before = timezone.now()
        assert outbox_send(outgoing.pk) == sending.REQUEUED
        outgoing.refresh_from_db()
        assert outgoing.status == "queued"
        assert outgoing.last_error.endswith("refused busy@example.test: 451 4.7.1 Greylisted, try again later")
        assert before + timedelta(seconds=29) < outgoing.send_at < before + timedelta(seconds=40)
        # not due yet: nothing happens
        assert outbox_send(outgoing.pk) == sending.SKIPPED
    assert sending.retry_delay(1) == timedelta(seconds=30)
    assert sending.retry_delay(3) == timedelta(minutes=2)
    assert sending.retry_delay(20) == timedelta(minutes=30)


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def send_and_die_after_the_server_accepted(outgoing_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the send; the worker "dies" right after the SMTP server accepted the message, before any state write."""
    real_deliver = sending.smtp_deliver

    def deliver_then_die(*args: Any, **kwargs: Any) -> None:
        real_deliver(*args, **kwargs)
        raise WorkerKilled()

    with monkeypatch.context() as patched:
        patched.setattr(sending, "smtp_deliver", deliver_then_die)
        outbox_send(outgoing_id)


def test_a_crash_after_the_server_accepted_never_sends_twice(
    acme: TestTenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        subscriber = WebhookEndpoint.objects.create(
            url="https://hooks.example.test/atrium", event_types=["mail.send_failed"], secret_encrypted="unused"
        )
        outgoing = queue(acme, account)
        # given a worker that dies after the server accepted the message, before the state was written
        with pytest.raises(WorkerKilled):
            send_and_die_after_the_server_accepted(outgoing.pk, monkeypatch)
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1
        # when the task is redelivered while the lease holds, nothing happens
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        # and when the lease has run out, the sweep marks it for a human instead of sending it again
        MailOutgoing.objects.filter(pk=outgoing.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        assert outbox_recover()["uncertain"] == 1
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.delivery_uncertain) == ("failed", True)
        assert outgoing.last_error == sending.UNCERTAIN_AFTER_CRASH
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1
        # webhook subscribers hear of it as a failed send that may have been delivered
        [event] = [delivery.payload["data"] for delivery in WebhookDelivery.objects.filter(endpoint=subscriber)]
        assert (event["outgoing_id"], event["uncertain"], event["error"]) == (
            outgoing.pk, True, sending.UNCERTAIN_AFTER_CRASH,
        )  # fmt: skip
        # a plain retry is refused; only a confirmed one sends again, with the same Message-ID
        with pytest.raises(services.OutboxConflict):
            services.outbox_retry(actor=owner(acme), outgoing=outgoing)
        services.outbox_retry(actor=owner(acme), outgoing=outgoing, confirm_resend=True)
        assert outbox_send(outgoing.pk) == sending.SENT
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 2


def test_a_crash_before_the_message_was_handed_over_is_sent_exactly_once(
    acme: TestTenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)

    def die(*args: Any, **kwargs: Any) -> None:
        raise WorkerKilled()

    with schema_context(acme.schema_name):
        outgoing = queue(acme, account)
        monkeypatch.setattr(sending, "smtp_deliver", die)
        with pytest.raises(WorkerKilled):
            outbox_send(outgoing.pk)
        monkeypatch.undo()
        MailOutgoing.objects.filter(pk=outgoing.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        assert outbox_recover()["requeued"] == 1
        assert outbox_send(outgoing.pk) == sending.SENT
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1


def test_a_scheduled_message_waits_and_the_sweep_finds_it_when_due(acme: TestTenant, mailbox: Mailbox):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        later = timezone.now() + timedelta(hours=2)
        outgoing = services.outbox_queue(
            actor=owner(acme), account=account, data=ComposeInput(to=[Recipient("bob@example.test")]), send_at=later
        )
        assert (outgoing.send_at, outgoing.undo_until) == (later, later)
        assert parsed_date(outgoing) == later.replace(microsecond=0)
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        assert outbox_recover()["due"] == 0
        # when its time has come and its own task was lost with a worker
        MailOutgoing.objects.filter(pk=outgoing.pk).update(send_at=timezone.now() - timedelta(minutes=5))
        assert outbox_recover()["due"] == 1
        assert outbox_send(outgoing.pk) == sending.SENT
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1


def parsed_date(outgoing: MailOutgoing) -> Any:
    from tenant_apps.mail.storage import blob_read, mail_blob_root
    from tenants.db import connection

    raw = blob_read(mail_blob_root(connection.schema_name), outgoing.raw_sha256)
    assert raw is not None
    return email.message_from_bytes(raw, policy=policy.default)["Date"].datetime


def test_uploads_are_typed_by_their_bytes_and_limited(acme: TestTenant, settings: Any):
    from tenant_apps.mail.outbox.compose import MessageTooLarge
    from tenant_apps.mail.outbox.uploads import content_type_detect, filename_clean, upload_store
    from tenant_apps.mail.storage import mail_blob_root

    assert content_type_detect(b"\x89PNG\r\n\x1a\n....", "invoice.pdf") == "image/png"
    assert content_type_detect(b"PK\x03\x04rest", "report.docx").endswith("wordprocessingml.document")
    assert content_type_detect(b"PK\x03\x04rest", "report.pdf") == "application/zip"
    assert content_type_detect(b"  <!DOCTYPE html><script>", "photo.jpg") == "text/html"
    assert content_type_detect(b"plain words \xc3", "notes") == "text/plain"
    assert content_type_detect(b"\x00\x01\x02", "notes.txt") == "application/octet-stream"
    assert filename_clean("../../etc/pass\r\nwd") == "passwd"
    assert filename_clean("") == "attachment"
    settings.MAIL_SEND_SIZE_LIMIT_BYTES = 10
    with schema_context(acme.schema_name):
        # a stream that does not say its length is cut off at the limit, and nothing is kept
        with pytest.raises(MessageTooLarge):
            upload_store(actor=owner(acme), filename="big.bin", chunks=iter([b"12345", b"67890", b"x"]))
        assert MailUpload.objects.count() == 0
        assert not [path for path in mail_blob_root(acme.schema_name).glob(".upload-*")]
        stored = upload_store(actor=owner(acme), filename="ok.txt", chunks=iter([b"12345", b"67890"]))
        assert (stored.size, stored.content_type) == (10, "text/plain")


def test_a_cut_gmail_send_found_in_sent_is_marked_sent_not_uncertain(
    acme: TestTenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=account.pk).update(provider="gmail")
        subscriber = WebhookEndpoint.objects.create(
            url="https://hooks.example.test/atrium",
            event_types=["mail.sent", "mail.send_failed"],
            secret_encrypted="unused",
        )
        filed_by_gmail = queue(acme, account, subject="Filed by Gmail")
        lost = queue(acme, account, subject="Not filed")
        for outgoing in (filed_by_gmail, lost):
            with pytest.raises(WorkerKilled):
                send_and_die_after_the_server_accepted(outgoing.pk, monkeypatch)
        # given Gmail filed the first one in Sent, as it does with what it accepted
        (mail,) = delivered(mailbox.smtp, filed_by_gmail.message_id)
        copy_uid = mailbox.append(mail.data, "Sent")
        MailOutgoing.objects.filter(pk__in=[filed_by_gmail.pk, lost.pk]).update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
        # when the sweep finds both cut sends
        counts = outbox_recover()
        # then the one Gmail filed is sent, the other waits for a human; neither was sent again
        assert (counts["sent"], counts["uncertain"]) == (1, 1)
        filed_by_gmail.refresh_from_db()
        lost.refresh_from_db()
        assert (filed_by_gmail.status, filed_by_gmail.progress, filed_by_gmail.sent_copy_uid) == (
            "sent",
            "filed",
            copy_uid,
        )
        assert (lost.status, lost.delivery_uncertain) == ("failed", True)
        assert len(delivered(mailbox.smtp, filed_by_gmail.message_id)) == 1
        assert len(delivered(mailbox.smtp, lost.message_id)) == 1
        # and webhook subscribers heard the outcome of each
        events = sorted(
            (delivery.event_type, delivery.payload["data"]["outgoing_id"])
            for delivery in WebhookDelivery.objects.filter(endpoint=subscriber)
        )
        assert events == [("mail.send_failed", lost.pk), ("mail.sent", filed_by_gmail.pk)]


def test_the_queued_task_sends_in_the_tenants_schema_and_the_sync_shows_it_in_sent(
    acme: TestTenant, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
):
    from config.celery import app

    # Celery runs each task at once, in this process, through the same tenant-aware task class as a worker
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", True)
    assert mailbox.smtp is not None
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            outgoing = queue(acme, account, subject="Through Celery")
        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.progress) == ("sent", "filed")
        assert len(delivered(mailbox.smtp, outgoing.message_id)) == 1
        # the filing step queued a sync of Sent, which stored the copy like any other message
        stored = MailMessage.objects.get(folder__account=account, folder__role="sent")
        assert (stored.message_id, stored.subject, stored.is_read) == (outgoing.message_id, "Through Celery", True)

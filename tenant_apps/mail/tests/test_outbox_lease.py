"""A worker slower than its lease gives the send up before DATA: the sweep may already have handed the message to
another worker, and two workers must never both send it."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailOutgoing
from tenant_apps.mail.outbox import sending, services
from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
from tenant_apps.mail.outbox.sending import outbox_recover, outbox_send
from tenant_apps.mail.tests.conftest import Mailbox, account_make


def test_a_send_past_its_lease_is_not_handed_to_the_server_and_goes_out_once_later(
    acme: TestTenant, mailbox: Mailbox, settings: Any
):
    assert mailbox.smtp is not None
    settings.MAIL_UNDO_SEND_SECONDS = 0
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        data = ComposeInput(to=[Recipient("bob@example.test", "Bob")], subject="Slow", text_body="Hi")
        outgoing = services.outbox_queue(actor=owner, account=account, data=data)
        # given a worker whose lease has run out by the time every recipient was accepted
        settings.MAIL_SEND_LEASE_SECONDS = -1
        # when it reaches DATA, it stops without sending
        assert outbox_send(outgoing.pk) == sending.SKIPPED
        delivered = [mail for mail in mailbox.smtp.received if f"<{outgoing.message_id}>".encode() in mail.data]
        assert delivered == []
        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.progress, outgoing.attempts) == ("sending", "", 1)
        # then the sweep gives it to the next worker, which sends it once
        settings.MAIL_SEND_LEASE_SECONDS = 300
        assert outbox_recover()["requeued"] == 1
        assert outbox_send(outgoing.pk) == sending.SENT
        delivered = [mail for mail in mailbox.smtp.received if f"<{outgoing.message_id}>".encode() in mail.data]
        assert len(delivered) == 1
        assert MailOutgoing.objects.get(pk=outgoing.pk).attempts == 2

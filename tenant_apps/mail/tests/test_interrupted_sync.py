"""A sync cut anywhere (greeting, LIST, SELECT, in the middle of a FETCH) resumes and ends equal to the server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.connection import MailServerError
from tenant_apps.mail.imap.sync import AccountSync
from tenant_apps.mail.models import MailAccount, MailMessage, MailThread
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox, account_make
from tenant_apps.mail.tests.proxy import CuttingProxy
from tenant_apps.mail.tests.test_sync import _server, _stored


@pytest.fixture
def proxy(mailbox: Mailbox) -> Iterator[CuttingProxy]:
    cutting = CuttingProxy(mailbox.dovecot.port)
    yield cutting
    cutting.close()


def test_cut_syncs_resume_to_exactly_the_server_state(acme: TestTenant, mailbox: Mailbox, proxy: CuttingProxy):
    # given 12 messages in three conversations, one with an attachment, and an account reached through the proxy
    for number in range(12):
        conversation = number % 3
        headers = f"References: <root{conversation}@x>\r\n" if number >= 3 else ""
        mailbox.append(
            messages.simple(f"Topic {conversation}", message_id=f"<root{conversation}@x>", extra_headers=headers)
            if number < 3
            else messages.simple(
                f"Re: Topic {conversation}", message_id=f"<m{number}@x>", extra_headers=headers, body="x" * 900
            )
        )
    mailbox.append(messages.with_attachment())
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=account.pk).update(imap_port=proxy.port)
        account.refresh_from_db()
        # when every sync is cut after a growing number of bytes until one gets through
        cut_points = [60, 400, 1200, 2500, 4000, 6000, 9000, 13000, 18000, 26000]
        interrupted = []
        for cut in cut_points:
            proxy.cut_after_bytes = cut
            try:
                AccountSync(account, batch_size=3).run()
            except MailServerError as problem:
                stored_so_far = MailMessage.objects.filter(account=account).count()
                interrupted.append((cut, problem.status, stored_so_far))
                # the server changes meanwhile, like a real mailbox does
                if cut == 2500:
                    with mailbox.other_client() as other:
                        other.select_folder("INBOX")
                        other.add_flags([2], [b"\\Seen"])
                        other.delete_messages([5])
                        other.expunge()
                continue
            break
        proxy.cut_after_bytes = None
        AccountSync(account, batch_size=3).run()
        # then it was cut at least in the greeting, the folder list and mid-fetch, and every status said so
        assert len(interrupted) >= 6
        assert {status for _, status, _ in interrupted} == {"unreachable"}
        # some cuts came after a batch was stored and before the folder was complete
        assert any(0 < stored < 12 for _, _, stored in interrupted)
        assert proxy.cuts == len(interrupted)
        # and the result equals the server: nothing lost, nothing doubled
        assert _stored(account) == _server(mailbox)
        assert MailMessage.objects.filter(account=account).count() == 12
        counts = sorted(MailThread.objects.filter(account=account).values_list("message_count", flat=True))
        assert counts == [1, 3, 4, 4]
        account.refresh_from_db()
        assert (account.status, account.status_message) == ("ok", "")

"""Fixtures of the portal tests: people signed in to the real test tenants, and mail written straight into a
tenant's schema (the dashboard and search read what the sync stored; no IMAP server is needed for that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import count

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User

# The people of the accounts tests, signed in through the real API (pytest finds fixtures imported here).
from tenant_apps.accounts.tests.conftest import acme_member, acme_owner, globex_owner
from tenant_apps.mail.models import FolderRole, MailAccount, MailFolder, MailMessage

_uids = count(1)

__all__ = ["Mailbox", "acme_member", "acme_owner", "globex_owner", "mailbox_make", "message_make"]


@dataclass(frozen=True)
class Mailbox:
    account_id: int
    folder_ids: dict[str, int]


def mailbox_make(tenant: TestTenant, *, owner_email: str, address: str, **account: object) -> Mailbox:
    """An account with an inbox, a sent folder and a trash folder, as a finished sync leaves them."""
    with schema_context(tenant.schema_name):
        mail_account = MailAccount.objects.create(
            owner=User.objects.get(email=owner_email),
            name=address.split("@")[0].title(),
            email_address=address,
            imap_host="imap.example.test",
            imap_port=993,
            imap_security="tls",
            smtp_host="smtp.example.test",
            smtp_port=465,
            smtp_security="tls",
            username=address,
            password_encrypted="not-a-real-token",
            **account,
        )
        folders = {
            role or "custom": MailFolder.objects.create(account=mail_account, name=name, role=role).pk
            for name, role in (("INBOX", FolderRole.INBOX), ("Sent", FolderRole.SENT), ("Trash", FolderRole.TRASH))
        }
        return Mailbox(account_id=mail_account.pk, folder_ids=folders)


def message_make(
    tenant: TestTenant,
    mailbox: Mailbox,
    *,
    folder: str = "inbox",
    at: datetime,
    subject: str = "Hello",
    from_address: str = "someone@example.test",
    from_name: str = "",
    body: str = "",
    is_read: bool = False,
) -> int:
    with schema_context(tenant.schema_name):
        return MailMessage.objects.create(
            account_id=mailbox.account_id,
            folder_id=mailbox.folder_ids[folder],
            uid=next(_uids),
            subject=subject,
            from_address=from_address,
            from_name=from_name,
            participants=f"{from_name} {from_address}",
            text_body=body,
            internal_date=at,
            is_read=is_read,
        ).pk

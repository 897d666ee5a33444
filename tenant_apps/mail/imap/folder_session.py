"""A short IMAP session for writing to one folder (flags, labels): opened, checked, and closed again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from imapclient import IMAPClient

from tenant_apps.mail.imap.connection import MailServerError, classify, imap_close, imap_connect
from tenant_apps.mail.imap.sync import account_server
from tenant_apps.mail.models import AccountStatus, MailAccount, MailFolder


@contextmanager
def folder_for_write(account: MailAccount, folder: MailFolder) -> Iterator[IMAPClient]:
    """A connection with `folder` selected read-write once its UIDVALIDITY is the one stored (else the stored UIDs
    name other messages). Any failure inside becomes a MailServerError with the server's words, never a 500."""
    client = imap_connect(account_server(account))
    try:
        selected = client.select_folder(folder.name)
        if int(selected.get(b"UIDVALIDITY", 0)) != folder.uid_validity:
            raise MailServerError(
                AccountStatus.PROTOCOL_ERROR, f"The folder {folder.name} changed on the server; sync it again first."
            )
        yield client
    except MailServerError:
        raise
    except Exception as exc:  # noqa: BLE001 - a server failure is a status, never a 500
        raise classify(exc, kind="IMAP", host=account.imap_host, port=account.imap_port) from exc
    finally:
        imap_close(client)

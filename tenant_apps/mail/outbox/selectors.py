"""Reads of the outbox, drafts and uploads; each starts from the accounts the actor may use."""

from __future__ import annotations

from django.db.models import QuerySet

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailAccount, MailDraft, MailOutgoing, MailUpload
from tenant_apps.mail.selectors import mail_account_list


def outbox_list(*, actor: User, account: MailAccount) -> QuerySet[MailOutgoing]:
    return MailOutgoing.objects.filter(account=account).prefetch_related("attachments")


def outbox_get(*, actor: User, outgoing_id: int) -> MailOutgoing | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return MailOutgoing.objects.select_related("account").filter(pk=outgoing_id, account__in=accounts).first()


def draft_list(*, actor: User, account: MailAccount) -> QuerySet[MailDraft]:
    """A draft is its author's until it is sent."""
    return MailDraft.objects.filter(account=account, author=actor).prefetch_related("attachments")


def draft_get(*, actor: User, draft_id: int) -> MailDraft | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return MailDraft.objects.select_related("account").filter(pk=draft_id, author=actor, account__in=accounts).first()


def upload_get(*, actor: User, upload_id: int) -> MailUpload | None:
    return MailUpload.objects.filter(pk=upload_id, owner=actor).first()

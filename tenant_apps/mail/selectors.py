"""Reads of the mail app; every query starts from the accounts the actor may see (own or shared with them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, Count, Q, QuerySet

from tenant_apps.accounts.models import User
from tenant_apps.mail.imap.gmail import folder_filter as gmail_folder_filter
from tenant_apps.mail.imap.gmail import label_counts as gmail_label_counts
from tenant_apps.mail.models import MailAccount, MailAttachment, MailFolder, MailMessage, MailThread


def mail_account_list(*, actor: User) -> QuerySet[MailAccount]:
    return MailAccount.objects.filter(Q(owner=actor) | Q(shared_with=actor)).distinct().order_by("id")


def mail_account_get(*, actor: User, account_id: int) -> MailAccount | None:
    return mail_account_list(actor=actor).filter(pk=account_id).first()


def mail_folder_list(*, actor: User, account: MailAccount) -> QuerySet[MailFolder]:
    # A Gmail label folder holds no rows of its own: its counts are of the All Mail messages with its label.
    return (
        MailFolder.objects.filter(account=account)
        .annotate(
            unread_count=Case(
                *gmail_label_counts(unread=True),
                default=Count("messages", filter=Q(messages__is_read=False)),
            ),
            total_count=Case(*gmail_label_counts(unread=False), default=Count("messages")),
        )
        .order_by("id")
    )


@dataclass(frozen=True)
class MessageFilters:
    folder_id: int | None = None
    unread: bool | None = None
    flagged: bool | None = None
    has_attachments: bool | None = None
    sender: str = ""
    since: datetime | None = None
    until: datetime | None = None
    query: str = ""
    thread_id: int | None = None


def mail_message_list(*, actor: User, account: MailAccount, filters: MessageFilters) -> QuerySet[MailMessage]:
    messages = MailMessage.objects.filter(account=account).select_related("folder")
    if filters.folder_id is not None:
        folder = MailFolder.objects.filter(account=account, pk=filters.folder_id).first()
        messages = messages.filter(gmail_folder_filter(folder)) if folder else messages.none()
    if filters.thread_id is not None:
        messages = messages.filter(thread_id=filters.thread_id)
    if filters.unread is not None:
        messages = messages.filter(is_read=not filters.unread)
    if filters.flagged is not None:
        messages = messages.filter(is_flagged=filters.flagged)
    if filters.has_attachments is not None:
        messages = messages.filter(has_attachments=filters.has_attachments)
    if filters.sender:
        messages = messages.filter(from_address=filters.sender.strip().lower())
    if filters.since is not None:
        messages = messages.filter(internal_date__gte=filters.since)
    if filters.until is not None:
        messages = messages.filter(internal_date__lt=filters.until)
    if filters.query.strip():
        messages = messages.filter(
            search__search_vector=SearchQuery(
                filters.query.replace("\x00", ""), config="simple", search_type="websearch"
            )
        )
    return messages.defer("text_body", "html_body")


def mail_message_get(*, actor: User, message_id: int) -> MailMessage | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return MailMessage.objects.select_related("folder", "account").filter(pk=message_id, account__in=accounts).first()


def mail_thread_list(*, actor: User, account: MailAccount) -> QuerySet[MailThread]:
    return MailThread.objects.filter(account=account)


def mail_attachment_get(*, actor: User, attachment_id: int) -> MailAttachment | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return (
        MailAttachment.objects.select_related("message").filter(pk=attachment_id, message__account__in=accounts).first()
    )

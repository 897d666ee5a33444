"""The app shell's notifications, computed from what exists instead of stored one by one: new mail, mailboxes
their server refuses, sends that failed and the company's billing state.

Unread is what happened after the person last opened the notifications (NotificationsSeen). Billing notices
stay while the state lasts and are never counted as unread: the billing banner already asks for action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q

from shared_apps.billing.selectors import READ_ONLY_MESSAGES, tenant_access
from tenant_apps.accounts.models import User
from tenant_apps.mail.models import AccountStatus, MailAccount, MailMessage, MailOutgoing, OutboxStatus
from tenant_apps.mail.selectors import mail_account_list
from tenant_apps.portal.dashboard import NOT_RECEIVED_ROLES
from tenant_apps.portal.models import NotificationsSeen

# Without a first look, only this much history counts as new.
FIRST_LOOK_WINDOW = timedelta(days=1)
FAILED_SENDS_SHOWN = 10
PROBLEM_TITLES: dict[str, str] = {
    AccountStatus.AUTH_FAILED: "The server refused the sign-in",
    AccountStatus.REAUTH_REQUIRED: "Sign in to the provider again",
    AccountStatus.UNREACHABLE: "The mail server cannot be reached",
    AccountStatus.TLS_ERROR: "The mail server's TLS failed",
    AccountStatus.PROTOCOL_ERROR: "The mail server answered nonsense",
}


@dataclass(frozen=True)
class Notification:
    key: str
    kind: str
    title: str
    body: str
    href: str
    at: datetime
    unread: bool


@dataclass(frozen=True)
class Notifications:
    unread_count: int
    mail_unread: int
    items: list[Notification]


def seen_at_of(actor: User, now: datetime) -> datetime:
    seen = NotificationsSeen.objects.filter(user=actor).values_list("seen_at", flat=True).first()
    return seen if seen is not None else now - FIRST_LOOK_WINDOW


def _received(actor: User) -> Q:
    return Q(account__in=mail_account_list(actor=actor).values("pk")) & ~Q(folder__role__in=NOT_RECEIVED_ROLES)


def new_mail(*, actor: User, seen_at: datetime) -> list[Notification]:
    rows = (
        MailMessage.objects.filter(_received(actor), is_read=False, created_at__gt=seen_at)
        .values("account_id", "account__email_address")
        .annotate(count=Count("id"), latest=Max("created_at"))
        .order_by("account_id")
    )
    return [
        Notification(
            key=f"new_mail:{row['account_id']}",
            kind="new_mail",
            title=f"{row['count']} new {'message' if row['count'] == 1 else 'messages'}",
            body=row["account__email_address"],
            href=f"/mail?account={row['account_id']}",
            at=row["latest"],
            unread=True,
        )
        for row in rows
    ]


def account_problems(*, actor: User, seen_at: datetime) -> list[Notification]:
    accounts = MailAccount.objects.all() if actor.is_admin else mail_account_list(actor=actor)
    return [
        Notification(
            key=f"account:{account.pk}:{account.status}",
            kind="account_problem",
            title=f"{PROBLEM_TITLES.get(account.status, 'The mailbox has a problem')}: {account.email_address}",
            body=account.status_message,
            href="/settings/mail-accounts" if actor.is_admin else f"/mail?account={account.pk}",
            at=account.status_changed_at,
            unread=account.status_changed_at > seen_at,
        )
        for account in accounts.exclude(status=AccountStatus.OK).order_by("id")
    ]


def failed_sends(*, actor: User, seen_at: datetime) -> list[Notification]:
    failed = MailOutgoing.objects.filter(author=actor, status=OutboxStatus.FAILED).order_by("-updated_at", "-id")
    return [
        Notification(
            key=f"send_failed:{outgoing.pk}",
            kind="send_failed",
            title=f"Not sent: {outgoing.subject or '(no subject)'}",
            body=outgoing.last_error,
            href=f"/mail?account={outgoing.account_id}&outbox={outgoing.pk}",
            at=outgoing.updated_at,
            unread=outgoing.updated_at > seen_at,
        )
        for outgoing in failed[:FAILED_SENDS_SHOWN]
    ]


def billing_notice(*, tenant_id: int, now: datetime) -> list[Notification]:
    access = tenant_access(tenant_id=tenant_id)
    if access.read_only:
        title, body = "Your company is read-only", READ_ONLY_MESSAGES.get(access.reason, "")
    elif access.payment_overdue:
        title, body = "Payment is overdue", "Update the payment method before the grace period ends."
    else:
        return []
    return [Notification("billing", "billing", title, body, "/settings/billing", access.grace_ends_at or now, False)]


def notification_list(*, actor: User, tenant_id: int, now: datetime) -> Notifications:
    seen_at = seen_at_of(actor, now)
    items = [
        *account_problems(actor=actor, seen_at=seen_at),
        *failed_sends(actor=actor, seen_at=seen_at),
        *new_mail(actor=actor, seen_at=seen_at),
        *billing_notice(tenant_id=tenant_id, now=now),
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    mail_unread = MailMessage.objects.filter(_received(actor), is_read=False).count()
    return Notifications(unread_count=sum(1 for item in items if item.unread), mail_unread=mail_unread, items=items)

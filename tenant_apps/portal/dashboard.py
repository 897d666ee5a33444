"""The home dashboard's figures, each computed by PostgreSQL in one query over the mail the actor may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import FolderRole, MailAccount, MailMessage
from tenant_apps.mail.selectors import mail_account_list

DASHBOARD_DAYS = 30
# Folders whose messages were not received: what the user wrote, threw away or the server filed as spam. "All
# mail" (Gmail) holds copies of messages that are in the inbox too, so counting it would count them twice.
NOT_RECEIVED_ROLES = (FolderRole.SENT, FolderRole.DRAFTS, FolderRole.TRASH, FolderRole.JUNK, FolderRole.ALL)


@dataclass(frozen=True)
class MailDay:
    day: date
    received: int
    sent: int


@dataclass(frozen=True)
class AccountHealth:
    id: int
    name: str
    email_address: str
    unread: int
    status: str
    status_message: str
    sync_state: str
    last_synced_at: datetime | None
    lag_seconds: int | None


@dataclass(frozen=True)
class Dashboard:
    timezone: str
    days: list[MailDay]
    accounts: list[AccountHealth]


def _visible_account_ids(actor: User) -> QuerySet[MailAccount, Any]:
    return mail_account_list(actor=actor).values("pk")


def mail_per_day(*, actor: User, zone: ZoneInfo, today: date) -> list[MailDay]:
    """Received and sent messages per calendar day in `zone`, the last DASHBOARD_DAYS days up to `today`."""
    first_day = today - timedelta(days=DASHBOARD_DAYS - 1)
    since = datetime.combine(first_day, time.min, tzinfo=zone)
    rows = (
        MailMessage.objects.filter(account__in=_visible_account_ids(actor), internal_date__gte=since)
        .annotate(day=TruncDate("internal_date", tzinfo=zone))
        .values("day")
        .annotate(
            received=Count("id", filter=~Q(folder__role__in=NOT_RECEIVED_ROLES)),
            sent=Count("id", filter=Q(folder__role=FolderRole.SENT)),
        )
        .order_by("day")
    )
    counted = {row["day"]: (row["received"], row["sent"]) for row in rows}
    days = [first_day + timedelta(days=offset) for offset in range(DASHBOARD_DAYS)]
    return [MailDay(day=day, received=counted.get(day, (0, 0))[0], sent=counted.get(day, (0, 0))[1]) for day in days]


def account_health(*, actor: User, now: datetime) -> list[AccountHealth]:
    """Every account the actor reads, with its unread count (received folders only) and how stale its sync is."""
    unread = Count(
        "messages",
        filter=Q(messages__is_read=False) & ~Q(messages__folder__role__in=NOT_RECEIVED_ROLES),
    )
    accounts = MailAccount.objects.filter(pk__in=_visible_account_ids(actor)).annotate(unread=unread).order_by("id")
    return [
        AccountHealth(
            id=account.pk,
            name=account.name,
            email_address=account.email_address,
            unread=account.unread,
            status=account.status,
            status_message=account.status_message,
            sync_state=account.sync_state,
            last_synced_at=account.last_synced_at,
            lag_seconds=int((now - account.last_synced_at).total_seconds()) if account.last_synced_at else None,
        )
        for account in accounts
    ]


def dashboard_get(*, actor: User, timezone_name: str) -> Dashboard:
    zone = ZoneInfo(timezone_name)
    now = timezone.now()
    return Dashboard(
        timezone=timezone_name,
        days=mail_per_day(actor=actor, zone=zone, today=now.astimezone(zone).date()),
        accounts=account_health(actor=actor, now=now),
    )

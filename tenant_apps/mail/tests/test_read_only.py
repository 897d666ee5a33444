"""A read-only company (trial over, subscription ended, payment overdue past its grace, suspended) keeps its mail
syncing for MAIL_SYNC_READ_ONLY_DAYS (30) after it became read-only; then polling, push and queued syncs stop."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.billing.models import BillingAccount, BillingStatus
from shared_apps.billing.selectors import mail_sync_allowed, read_only_since
from shared_apps.billing.services import _subscription_apply
from shared_apps.common.testing import TestTenant
from tenant_apps.mail.management.commands.mail_idle import accounts_to_watch
from tenant_apps.mail.models import MailMessage
from tenant_apps.mail.tasks import DONE, PAUSED, mail_account_sync, mail_sync_fanout
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.broker import broker, queued
from tenant_apps.mail.tests.conftest import Mailbox, account_make

NOW = timezone.now()


@pytest.fixture
def billing(settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_billing_on_nothing_called"  # noqa: S105 - only switches billing rules on
    settings.MAIL_SYNC_READ_ONLY_DAYS = 30
    settings.BILLING_GRACE_DAYS = 7


def _account_of(tenant: TestTenant, **state: Any) -> BillingAccount:
    values: dict[str, Any] = {
        "status": BillingStatus.ACTIVE,
        "trial_ends_at": NOW - timedelta(days=100),
        "past_due_since": None,
        "suspended_at": None,
        "status_changed_at": None,
        **state,
    }
    account, _ = BillingAccount.objects.update_or_create(tenant_id=tenant.tenant_id, defaults=values)
    return account


def _days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("state", "since"),
    [
        ({"status": BillingStatus.ACTIVE}, None),
        ({"status": BillingStatus.CANCELED, "status_changed_at": _days_ago(12)}, _days_ago(12)),
        # canceled during the trial: read-only once the trial is over
        (
            {"status": BillingStatus.CANCELED, "status_changed_at": _days_ago(40), "trial_ends_at": _days_ago(5)},
            _days_ago(5),
        ),
        ({"status": BillingStatus.TRIALING, "trial_ends_at": _days_ago(31)}, _days_ago(31)),
        ({"status": BillingStatus.PAST_DUE, "past_due_since": _days_ago(40)}, _days_ago(33)),
        ({"status": BillingStatus.PAST_DUE, "past_due_since": _days_ago(3)}, None),
        ({"status": BillingStatus.ACTIVE, "suspended_at": _days_ago(2)}, _days_ago(2)),
    ],
)
def test_read_only_since(acme: TestTenant, billing: None, state: dict[str, Any], since: datetime | None):
    assert read_only_since(_account_of(acme, **state), now=NOW) == since


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ({"status": BillingStatus.ACTIVE}, True),
        ({"status": BillingStatus.CANCELED, "status_changed_at": _days_ago(29.9)}, True),
        ({"status": BillingStatus.CANCELED, "status_changed_at": _days_ago(30.1)}, False),
        ({"status": BillingStatus.UNPAID, "status_changed_at": _days_ago(45)}, False),
        ({"status": BillingStatus.PAST_DUE, "past_due_since": _days_ago(36)}, True),  # read-only 29 days
        ({"status": BillingStatus.PAST_DUE, "past_due_since": _days_ago(38)}, False),  # read-only 31 days
        ({"status": BillingStatus.ACTIVE, "suspended_at": _days_ago(31)}, False),
    ],
)
def test_mail_sync_allowed_for_thirty_days_of_read_only(
    acme: TestTenant, billing: None, state: dict[str, Any], allowed: bool
):
    _account_of(acme, **state)
    assert mail_sync_allowed(tenant_id=acme.tenant_id, now=NOW) is allowed


def test_a_subscription_event_records_when_the_status_changed(acme: TestTenant, billing: None):
    account = _account_of(acme, status=BillingStatus.ACTIVE)
    subscription = {"id": "sub_read_only", "status": "canceled"}
    _subscription_apply(account, subscription, created=1, live=True)
    changed_at = BillingAccount.objects.get(pk=account.pk).status_changed_at
    assert changed_at is not None
    assert timezone.now() - changed_at < timedelta(minutes=1)
    # the same status again is no change
    _subscription_apply(account, subscription, created=2, live=True)
    assert BillingAccount.objects.get(pk=account.pk).status_changed_at == changed_at


def test_a_company_read_only_for_29_days_still_syncs(acme: TestTenant, mailbox: Mailbox, billing: None):
    _account_of(acme, status=BillingStatus.CANCELED, status_changed_at=timezone.now() - timedelta(days=29))
    mailbox.append(messages.simple("Still coming in"))
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        assert mail_account_sync(account_id=account.pk) == DONE
        assert list(MailMessage.objects.filter(account=account).values_list("subject", flat=True)) == [
            "Still coming in"
        ]


def test_after_30_days_read_only_polling_push_and_queued_syncs_stop(
    acme: TestTenant, globex: TestTenant, mailbox: Mailbox, billing: None
):
    _account_of(acme, status=BillingStatus.CANCELED, status_changed_at=timezone.now() - timedelta(days=31))
    mailbox.append(messages.simple("Not any more"))
    stopped = account_make(acme, mailbox)
    running = account_make(globex, mailbox)
    broker().delete("mail")
    try:
        # polling: beat's fan-out leaves the company out
        mail_sync_fanout.apply().get()
        schemas = {message["schema"] for message in queued("mail")}
        assert globex.schema_name in schemas
        assert acme.schema_name not in schemas
    finally:
        broker().delete("mail")
    # push: mail_idle watches no inbox of the company
    watched = set(accounts_to_watch())
    assert (globex.schema_name, running.pk) in watched
    assert (acme.schema_name, stopped.pk) not in watched
    # a sync queued before (or by hand) does nothing
    with schema_context(acme.schema_name):
        assert mail_account_sync(account_id=stopped.pk) == PAUSED
        assert not MailMessage.objects.filter(account=stopped).exists()

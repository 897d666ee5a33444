"""The periodic fan-out of mail polling: beat's task queues one fan-out per tenant, each tenant's fan-out queues one
sync per active account, every one at a random moment of the interval (jitter), read back from the real Redis
broker the way a worker would receive them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from shared_apps.common.testing import TestTenant
from tenant_apps.mail.models import AccountStatus, MailAccount
from tenant_apps.mail.tasks import mail_sync_fanout, mail_tenant_sync_fanout
from tenant_apps.mail.tests.broker import broker, queued
from tenant_apps.mail.tests.conftest import Mailbox, account_make


@pytest.fixture
def mail_queue() -> Iterator[str]:
    broker().delete("mail")
    yield "mail"
    broker().delete("mail")


def test_beat_runs_the_fanout_on_the_mail_queue():
    entry: dict[str, Any] = settings.CELERY_BEAT_SCHEDULE["mail-sync-fanout"]
    assert (entry["task"], entry["options"]["queue"]) == ("mail.sync_fanout", "mail")
    assert app.amqp.router.route({}, "mail.tenant_sync_fanout")["queue"].name == "mail"
    assert app.amqp.router.route({}, "mail.account_sync")["queue"].name == "mail"


def test_beat_task_queues_one_fanout_per_tenant_spread_over_half_the_interval(
    acme: TestTenant, globex: TestTenant, mail_queue: str
):
    before = timezone.now()
    count = mail_sync_fanout.apply().get()
    after = timezone.now()

    fanouts = queued(mail_queue)
    assert count == len(fanouts)
    assert {message["task"] for message in fanouts} == {"mail.tenant_sync_fanout"}
    schemas = [message["schema"] for message in fanouts]
    # each tenant once, never the public schema nor a template or spare schema
    assert len(schemas) == len(set(schemas))
    assert {acme.schema_name, globex.schema_name} <= set(schemas)
    assert not [schema for schema in schemas if schema == "public" or schema.startswith("_")]
    half = timedelta(seconds=int(settings.MAIL_SYNC_INTERVAL_SECONDS) / 2)
    etas = [message["eta"] for message in fanouts]
    assert all(before <= eta <= after + half for eta in etas)
    assert len(set(etas)) == len(etas)  # jitter: not one burst


def test_tenant_fanout_queues_a_sync_of_each_active_account_of_that_tenant_only(
    acme: TestTenant, globex: TestTenant, mailbox: Mailbox, mail_queue: str
):
    active = account_make(acme, mailbox)
    refused = account_make(acme, mailbox)
    paused = account_make(acme, mailbox)
    account_make(globex, mailbox)  # another tenant's account: its own fan-out queues it
    with schema_context(acme.schema_name):
        MailAccount.objects.filter(pk=refused.pk).update(status=AccountStatus.AUTH_FAILED)
        MailAccount.objects.filter(pk=paused.pk).update(is_active=False)
    broker().delete(mail_queue)  # what creating the accounts queued

    before = timezone.now()
    with schema_context(acme.schema_name):
        assert mail_tenant_sync_fanout.apply().get() == 1
    after = timezone.now()

    (sync,) = queued(mail_queue)
    assert (sync["task"], sync["schema"], sync["kwargs"]) == (
        "mail.account_sync",
        acme.schema_name,
        {"account_id": active.pk},
    )
    assert before <= sync["eta"] <= after + timedelta(seconds=int(settings.MAIL_SYNC_INTERVAL_SECONDS))

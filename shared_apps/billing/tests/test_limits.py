"""Plan limits bite where a resource is added: connecting one more mailbox, inviting one more person."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from shared_apps.billing.exceptions import PlanLimitReached
from shared_apps.billing.models import BillingAccount
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import Invitation, User
from tenant_apps.accounts.services import invitation_create
from tenant_apps.mail.models import MailAccount
from tenant_apps.mail.services import AccountInput, mail_account_create


def account_input(number: int) -> AccountInput:
    return AccountInput(
        name=f"Box {number}",
        email_address=f"box{number}@acme.test",
        username=f"box{number}@acme.test",
        password="secret",
        imap_host="127.0.0.1",
        imap_port=1,
        imap_security="none",
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_security="none",
    )


def test_a_mailbox_past_the_plan_limit_is_refused_before_any_server_is_contacted(
    acme: TestTenant, acme_account: BillingAccount, billing_on
):
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        for number in (1, 2):  # the Starter plan allows 2
            mail_account_create(actor=owner, data=account_input(number), check=False)

        # check=True would contact port 1 and fail differently; the limit answers first.
        with pytest.raises(PlanLimitReached, match="The Starter plan allows 2 mail accounts; 2 are in use"):
            mail_account_create(actor=owner, data=account_input(3), check=True)

        assert MailAccount.objects.count() == 2


def test_without_a_plan_mailboxes_are_unlimited(globex: TestTenant):
    with schema_context(globex.schema_name):
        owner = User.objects.get(email=globex.owner_email)
        for number in (1, 2, 3):
            mail_account_create(actor=owner, data=account_input(number), check=False)

        assert MailAccount.objects.count() == 3


def test_an_invitation_past_the_user_limit_is_refused_and_a_replacement_is_not_counted(
    acme: TestTenant, acme_account: BillingAccount, billing_on
):
    with schema_context(acme.schema_name):
        owner = User.objects.get(email=acme.owner_email)
        assert acme_account.plan is not None
        limit = acme_account.plan.max_users
        active = User.objects.filter(is_active=True).count()
        assert limit is not None
        assert active < limit
        # Given invitations up to the plan's limit (active people and open invitations count alike)
        for number in range(limit - active):
            invitation_create(actor=owner, email=f"person{number}@acme.test")

        # When one more person is invited, Then the plan refuses, and no invitation is added
        with pytest.raises(PlanLimitReached, match=f"The Starter plan allows {limit} users; {limit} are in use"):
            invitation_create(actor=owner, email="one-too-many@acme.test")
        assert not Invitation.objects.filter(email="one-too-many@acme.test").exists()

        # But inviting an already invited person again replaces that invitation: still within the limit
        again = invitation_create(actor=owner, email="person0@acme.test")
        assert list(Invitation.objects.filter(email="person0@acme.test", revoked_at__isnull=True)) == [again]


def test_without_a_limit_an_invitation_counts_nothing(globex: TestTenant):
    with schema_context(globex.schema_name):
        owner = User.objects.get(email=globex.owner_email)

        with CaptureQueriesContext(connection) as queries:
            invitation_create(actor=owner, email="anyone@globex.test")

        assert Invitation.objects.filter(email="anyone@globex.test").count() == 1
        assert [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]] == []

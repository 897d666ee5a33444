"""Plan limits bite where a resource is added: here, connecting one more mailbox."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from shared_apps.billing.exceptions import PlanLimitReached
from shared_apps.billing.models import BillingAccount
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import User
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

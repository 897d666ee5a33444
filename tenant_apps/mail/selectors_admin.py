"""Reads of the tenant admin console's mail accounts screen: every account of the company, for owners and admins.

Only the accounts themselves (owner, status, sync state, sharing); reading their mail stays with the owner and
the people it is shared with (selectors.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from tenant_apps.accounts.models import User
from tenant_apps.accounts.selectors import require_admin
from tenant_apps.mail.models import MailAccount


def mail_account_admin_list(*, actor: User) -> QuerySet[MailAccount]:
    require_admin(actor)
    return MailAccount.objects.select_related("owner").prefetch_related("shared_with")


def mail_account_admin_get(*, actor: User, account_id: int) -> MailAccount:
    account = mail_account_admin_list(actor=actor).filter(pk=account_id).first()
    if account is None:
        raise NotFound("No such mail account.")
    return account

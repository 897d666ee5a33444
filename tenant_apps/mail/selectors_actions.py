"""Reads for mail actions: a folder or a bulk job, found only through the accounts the actor may see."""

from __future__ import annotations

from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailActionJob, MailFolder
from tenant_apps.mail.selectors import mail_account_list


def mail_folder_get(*, actor: User, folder_id: int) -> MailFolder | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return MailFolder.objects.select_related("account").filter(pk=folder_id, account__in=accounts).first()


def mail_action_job_get(*, actor: User, job_id: int) -> MailActionJob | None:
    accounts = mail_account_list(actor=actor).values("pk")
    return MailActionJob.objects.filter(pk=job_id, account__in=accounts).first()

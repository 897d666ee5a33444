"""Writes of the mail app: accounts (credentials checked before saving), sharing, flags written back to the server."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shared_apps.billing.selectors import plan_limit_ensure
from tenant_apps.accounts.models import User
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import audit_record
from tenant_apps.mail.crypto import secret_encrypt
from tenant_apps.mail.imap.connection import MailServerError, ServerSettings, imap_close, imap_connect
from tenant_apps.mail.imap.folder_session import folder_for_write
from tenant_apps.mail.imap.sync import account_server, account_status_set
from tenant_apps.mail.models import AccountStatus, MailAccount, MailMessage, Security
from tenant_apps.mail.oauth.revocation import grant_revoke_on_commit
from tenant_apps.mail.presets import PRESETS
from tenant_apps.mail.smtp.auth_check import smtp_login_check
from tenant_apps.mail.smtp.credentials import account_smtp_server
from tenants.db import connection
from tenants.models import Tenant


@dataclass(frozen=True)
class AccountInput:
    name: str
    email_address: str
    username: str
    password: str
    provider: str = "custom"
    imap_host: str = ""
    imap_port: int | None = None
    imap_security: str = ""
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_security: str = ""


class CredentialsRefused(Exception):
    """IMAP or SMTP refused the account; `problem` says which server and why."""

    def __init__(self, problem: MailServerError) -> None:
        super().__init__(problem.message)
        self.problem = problem


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _servers(data: AccountInput) -> tuple[ServerSettings, ServerSettings]:
    preset = PRESETS.get(data.provider)
    imap_host = data.imap_host or (preset.imap_host if preset else "")
    smtp_host = data.smtp_host or (preset.smtp_host if preset else "")
    errors: dict[str, list[str]] = {}
    if not imap_host:
        errors["imap_host"] = ["Give the IMAP server, or choose a provider."]
    if not smtp_host:
        errors["smtp_host"] = ["Give the SMTP server, or choose a provider."]
    imap = ServerSettings(
        host=imap_host,
        port=data.imap_port or (preset.imap_port if preset else 993),
        security=data.imap_security or (preset.imap_security if preset else Security.TLS),
        username=data.username,
        password=data.password,
    )
    smtp = ServerSettings(
        host=smtp_host,
        port=data.smtp_port or (preset.smtp_port if preset else 465),
        security=data.smtp_security or (preset.smtp_security if preset else Security.TLS),
        username=data.username,
        password=data.password,
    )
    for prefix, server in (("imap", imap), ("smtp", smtp)):
        if server.host and server.security == Security.NONE and not is_loopback(server.host):
            errors[f"{prefix}_security"] = ["Unencrypted connections are only allowed to a server on this machine."]
    if errors:
        raise ValidationError(errors)
    return imap, smtp


def credentials_check(*, imap: ServerSettings, smtp: ServerSettings) -> None:
    """Log in to IMAP, then AUTH on SMTP; raises CredentialsRefused naming the server that refused."""
    try:
        client = imap_connect(imap)
    except MailServerError as problem:
        raise CredentialsRefused(problem) from None
    imap_close(client)
    try:
        smtp_login_check(smtp)
    except MailServerError as problem:
        raise CredentialsRefused(problem) from None


def _sync_enqueue(account_id: int) -> None:
    from tenant_apps.mail.tasks import mail_account_sync

    mail_account_sync.apply_async(kwargs={"account_id": account_id}, queue="mail")


def _mail_account_limit_ensure() -> None:
    """The plan's mail account limit (402 plan_limit), checked before any server is contacted."""
    tenant_id = Tenant.objects.filter(schema_name=connection.schema_name).values_list("pk", flat=True).first()
    if tenant_id is not None:
        plan_limit_ensure(tenant_id=tenant_id, resource="mail_accounts", in_use=MailAccount.objects.count)


def mail_account_create(*, actor: User, data: AccountInput, check: bool = True) -> MailAccount:
    imap, smtp = _servers(data)
    _mail_account_limit_ensure()
    if check:
        credentials_check(imap=imap, smtp=smtp)
    with transaction.atomic():
        account = MailAccount.objects.create(
            owner=actor,
            name=data.name,
            email_address=data.email_address.lower(),
            provider=data.provider,
            imap_host=imap.host,
            imap_port=imap.port,
            imap_security=imap.security,
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            smtp_security=smtp.security,
            username=data.username,
            password_encrypted=secret_encrypt(data.password),
            status=AccountStatus.OK,
        )
        audit_record(actor, AuditAction.MAIL_ACCOUNT_CREATE, account, provider=data.provider)
        transaction.on_commit(partial(_sync_enqueue, account.pk))
    return account


def _can_manage(actor: User, account: MailAccount) -> bool:
    return account.owner_id == actor.pk or actor.is_admin


def mail_account_update(
    *,
    actor: User,
    account: MailAccount,
    name: str | None = None,
    password: str | None = None,
    is_active: bool | None = None,
) -> MailAccount:
    if not _can_manage(actor, account):
        raise PermissionDenied("Only the account's owner and admins can change it.")
    fields = []
    if password is not None and account.auth_method != "password":
        raise ValidationError({"password": ["This account signs in with OAuth2; sign in with the provider again."]})
    if password is not None:
        server = account_server(account)
        imap = ServerSettings(server.host, server.port, server.security, account.username, password)
        smtp = ServerSettings(account.smtp_host, account.smtp_port, account.smtp_security, account.username, password)
        credentials_check(imap=imap, smtp=smtp)
        account.password_encrypted = secret_encrypt(password)
        account.status, account.status_message, account.status_changed_at = AccountStatus.OK, "", timezone.now()
        fields += ["password_encrypted", "status", "status_message", "status_changed_at"]
    if name is not None:
        account.name = name
        fields.append("name")
    if is_active is not None:
        account.is_active = is_active
        fields.append("is_active")
    if fields:
        with transaction.atomic():
            account.save(update_fields=fields)
    return account


def mail_account_delete(*, actor: User, account: MailAccount) -> None:
    if not _can_manage(actor, account):
        raise PermissionDenied("Only the account's owner and admins can delete it.")
    with transaction.atomic():
        audit_record(actor, AuditAction.MAIL_ACCOUNT_DELETE, account)
        grant_revoke_on_commit(account)  # the provider forgets the OAuth2 grant, after commit, best effort
        account.delete()
        # Its raw messages and attachments go too, unless another message of the tenant refers to the same bytes.
        transaction.on_commit(_blobs_collect_enqueue)


def _blobs_collect_enqueue() -> None:
    from tenant_apps.mail.tasks import mail_blobs_collect

    mail_blobs_collect.apply_async(queue="mail")


def mail_account_share(*, actor: User, account: MailAccount, user_ids: list[int]) -> MailAccount:
    """Set who else reads this account (a shared inbox); only admins and owners of the tenant do this."""
    if not actor.is_admin:
        raise PermissionDenied("Only owners and admins can share a mail account.")
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    if len(users) != len(set(user_ids)):
        raise ValidationError({"user_ids": ["Every id must be an active user of this company."]})
    with transaction.atomic():
        account.shared_with.set(users)
        audit_record(actor, AuditAction.MAIL_ACCOUNT_SHARE, account, shared_with=sorted(user.pk for user in users))
    return account


def mail_account_test(*, actor: User, account: MailAccount) -> MailAccount:
    """Check the stored credentials again and record the result as the account's status."""
    try:
        credentials_check(imap=account_server(account), smtp=account_smtp_server(account))
    except CredentialsRefused as refused:
        account_status_set(account, refused.problem.status, refused.problem.message)
        return account
    except MailServerError as problem:  # an OAuth2 token that could not be refreshed
        account_status_set(account, problem.status, problem.message)
        return account
    account_status_set(account, AccountStatus.OK, "")
    return account


def mail_sync_request(*, actor: User, account: MailAccount) -> None:
    transaction.on_commit(partial(_sync_enqueue, account.pk))


def message_flags_set(
    *, actor: User, message: MailMessage, read: bool | None = None, flagged: bool | None = None
) -> MailMessage:
    """Change \\Seen / \\Flagged on the server first, then here; a server that refuses changes nothing."""
    changes = [(flag, wanted) for flag, wanted in (("\\Seen", read), ("\\Flagged", flagged)) if wanted is not None]
    if not changes:
        return message
    with folder_for_write(message.account, message.folder) as client:
        for flag, wanted in changes:
            if wanted:
                client.add_flags([message.uid], [flag.encode()], silent=True)
            else:
                client.remove_flags([message.uid], [flag.encode()], silent=True)
    flags = set(message.flags)
    for flag, wanted in changes:
        (flags.add if wanted else flags.discard)(flag)
    message.flags = sorted(flags)
    message.is_read = "\\Seen" in flags
    message.is_flagged = "\\Flagged" in flags
    with transaction.atomic():
        message.save(update_fields=["flags", "is_read", "is_flagged"])
    return message

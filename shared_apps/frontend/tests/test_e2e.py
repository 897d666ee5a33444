"""The frontend in Debian's Chromium against the real backend, served as `dev.py up` serves it: gunicorn with
uvicorn workers, the catch-all view serving frontend/out, PostgreSQL, Redis and a real SMTP server.

The browser part is a Node script (frontend/e2e/, playwright-core); this test starts the peers, runs it, and
checks in the database what the browser did. Screenshots land in frontend/test-results/.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from deploy.local_stack import port_free
from shared_apps.common.testing import TestTenant
from shared_apps.frontend.tests.stack import (
    FRONTEND,
    browser_tools_ensure,
    script_run,
    stack_env,
    web_running,
)

pytestmark = pytest.mark.integration


def _png(size: int = 64) -> bytes:
    """A real PNG: an indigo square with a white diagonal, made with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(b"\xff\xff\xff" if abs(x - y) < 6 else b"\x4f\x46\xe5" for x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class MailToDirectory:
    """aiosmtpd handler: each accepted message's recipients and plain-text body become one file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content or b""
        raw = content.encode("utf-8") if isinstance(content, str) else content
        message = message_from_bytes(raw, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        self.count += 1
        recipients = ", ".join(str(address) for address in envelope.rcpt_tos)
        (self.directory / f"{self.count:04d}.txt").write_text(f"To: {recipients}\n\n{text}", encoding="utf-8")
        return "250 Message accepted"


@dataclass(frozen=True)
class Served:
    origin: str
    port: int
    mail_dir: Path
    workdir: Path


PLANS = (
    ("e2e-starter", "Starter E2E", "For a founder and a first hire.", 3, 900, 0),
    ("e2e-team", "Team E2E", "For growing teams that live in their inbox.", 25, 2900, 1),
    ("e2e-business", "Business E2E", "For companies with several departments.", None, 7900, 2),
)


@pytest.fixture(scope="module")
def served(
    test_tenants: dict[str, TestTenant], django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    browser_tools_ensure()

    from shared_apps.billing.models import Plan

    workdir = tmp_path_factory.mktemp("e2e")
    mail_dir = workdir / "mail"
    media_root = workdir / "media"
    mail_dir.mkdir()
    media_root.mkdir()
    with django_db_blocker.unblock():
        for code, name, description, max_users, price, order in PLANS:
            Plan.objects.update_or_create(
                code=code,
                defaults={"name": name, "description": description, "max_users": max_users, "max_mail_accounts": 5,
                          "max_contacts": 10000, "max_storage_mb": 10240, "monthly_price_cents": price,
                          "currency": "EUR", "trial_days": 14, "is_public": True, "sort_order": order},
            )  # fmt: skip
    smtp = Controller(MailToDirectory(mail_dir), hostname="127.0.0.1", port=port_free())
    smtp.start()
    port = port_free()
    env = stack_env(
        port=port,
        workdir=workdir,
        settings_module="shared_apps.frontend.e2e_settings",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    try:
        with web_running(env, workdir):
            yield Served(origin=f"http://localhost:{port}", port=port, mail_dir=mail_dir, workdir=workdir)
    finally:
        smtp.stop()
        with django_db_blocker.unblock():
            Plan.objects.filter(code__in=[plan[0] for plan in PLANS]).delete()


def media_root_of(served: Served) -> Path:
    return served.workdir / "media"


def _company_delete(subdomain: str) -> None:
    from django.conf import settings

    from tenants.models import Tenant
    from tenants.provisioning import tenant_delete

    tenant = Tenant.objects.filter(domains__domain=f"{subdomain}.{settings.BASE_DOMAIN}").first()
    if tenant is not None:
        tenant_delete(tenant=tenant)


def test_new_customer_signs_up_verifies_invites_and_changes_settings(served: Served, django_db_blocker: Any) -> None:
    # given the public site served with a real SMTP server behind it, and a logo to upload
    from django_tenants.utils import schema_context

    from tenants.models import Tenant

    suffix = uuid.uuid4().hex[:8]
    subdomain = f"umbrella-labs-{suffix}"
    logo = served.workdir / "logo.png"
    logo.write_bytes(_png())
    screenshots = FRONTEND / "test-results"

    # when a visitor goes through signup, verification, inviting and settings in Chromium, and the colleague and
    # the owner follow the invitation and password reset links they were mailed
    try:
        outcome = script_run(
            "e2e/signup-to-settings.e2e.mjs",
            {
                "BASE_URL": served.origin,
                "MAIL_DIR": str(served.mail_dir),
                "LOGO_PATH": str(logo),
                "E2E_SUFFIX": suffix,
            },
            [served.workdir / "web.log"],
        )

        # then the database holds what the browser did
        with django_db_blocker.unblock():
            tenant = Tenant.objects.get(domains__domain=f"{subdomain}.localhost")
            assert (tenant.name, tenant.timezone, tenant.currency) == (outcome["company_name"], "Europe/Berlin", "EUR")
            assert (media_root_of(served) / "tenants" / str(tenant.pk)).is_dir(), "the logo was not stored"
            assert tenant.logo_path.endswith(".png")
            with schema_context(tenant.schema_name):
                from tenant_apps.accounts.models import ApiToken, Invitation, User

                owner = User.objects.get(email=outcome["owner_email"])
                invitation = Invitation.objects.get(email=outcome["colleague"])
                colleague = User.objects.get(email=outcome["colleague"])
                token = ApiToken.objects.get(name="Nightly export")
            assert (owner.role, owner.full_name) == ("owner", "Alice Wesker")
            assert (colleague.role, colleague.full_name) == ("admin", outcome["colleague_name"])
            assert invitation.accepted_at is not None
            assert invitation.revoked_at is None
            assert outcome["token_prefix"].startswith(token.prefix[:8])
        assert sorted(path.name for path in screenshots.glob("[0-9][0-9]-*.png"))[:3] == [
            "01-landing.png",
            "02-pricing.png",
            "03-signup-field-error.png",
        ]
    finally:
        with django_db_blocker.unblock():
            _company_delete(subdomain)


PORTAL_EMAIL = "paula.portal@acme.test"
PORTAL_NEW_PASSWORD = "portal-New-password-31"  # noqa: S105 - a test account's


def _portal_company_seed(tenant: TestTenant) -> None:
    """An admin with two mailboxes (one refused by its server), mail of the last days, and 100+ colleagues."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.common.testing import TEST_PASSWORD
    from tenant_apps.accounts.models import Role, User
    from tenant_apps.mail.models import FolderRole, MailAccount, MailFolder, MailMessage

    now = timezone.now()
    with schema_context(tenant.schema_name):
        admin = User.objects.create_user(
            email=PORTAL_EMAIL, password=TEST_PASSWORD, role=Role.ADMIN, full_name="Paula Portal"
        )
        User.objects.create_user(email="grace.hopper@acme.test", full_name="Grace Hopper")
        User.objects.bulk_create(
            User(email=f"colleague-{number:03d}@acme.test", password="!", full_name=f"Colleague {number:03d}")
            for number in range(101)
        )
        for name, address, status, unread, read, sent in (
            ("Sales", "sales@acme-e2e.test", "ok", 4, 2, 2),
            ("Support", "support@acme-e2e.test", "auth_failed", 1, 0, 0),
        ):
            account = MailAccount.objects.create(
                owner=admin, name=name, email_address=address, imap_host="127.0.0.1", imap_port=1,
                imap_security="none", smtp_host="127.0.0.1", smtp_port=1, smtp_security="none", username=address,
                password_encrypted="-", status=status, last_synced_at=now,
                status_message="[AUTHENTICATIONFAILED] Authentication failed." if status != "ok" else "",
            )  # fmt: skip
            inbox = MailFolder.objects.create(account=account, name="INBOX", role=FolderRole.INBOX)
            sent_folder = MailFolder.objects.create(account=account, name="Sent", role=FolderRole.SENT)
            subjects = ["Quarterly roadmap review"] + [f"Order {number}" for number in range(unread + read)]
            for uid, is_read in enumerate([False] * unread + [True] * read, start=1):
                MailMessage.objects.create(
                    account=account, folder=inbox, uid=uid, subject=subjects[uid - 1] if name == "Sales" else "Hi",
                    from_address="zed@customer.test", from_name="Zed Zimmerman", participants="Zed Zimmerman",
                    internal_date=now - timedelta(days=uid % 3), is_read=is_read,
                )  # fmt: skip
            for uid in range(1, sent + 1):
                MailMessage.objects.create(
                    account=account, folder=sent_folder, uid=uid, subject=f"Re: Order {uid}", is_read=True,
                    from_address=address, internal_date=now - timedelta(hours=uid),
                )  # fmt: skip


def _portal_company_unseed(tenant: TestTenant) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User

    with schema_context(tenant.schema_name):
        # The mailboxes and their mail go with their owner (on_delete=CASCADE).
        User.objects.filter(email__endswith="@acme.test").exclude(email=tenant.owner_email).delete()


def test_portal_dashboard_search_profile_and_admin_screens(
    served: Served, test_tenants: dict[str, TestTenant], django_db_blocker: Any
) -> None:
    # given acme with an admin, two mailboxes with mail, and more colleagues than one page of the users list
    from django_tenants.utils import schema_context

    from shared_apps.common.testing import TEST_PASSWORD
    from tenant_apps.accounts.models import User
    from tenant_apps.portal.models import NotificationsSeen

    acme = test_tenants["acme"]
    with django_db_blocker.unblock():
        _portal_company_seed(acme)
    try:
        # when the admin uses the dashboard, the palette, their profile and the admin screens in Chromium
        outcome = script_run(
            "e2e/portal.e2e.mjs",
            {
                "COMPANY_ORIGIN": f"http://{acme.hostname}:{served.port}",
                "PORTAL_EMAIL": PORTAL_EMAIL,
                "PORTAL_PASSWORD": TEST_PASSWORD,
                "PORTAL_NEW_PASSWORD": PORTAL_NEW_PASSWORD,
            },
            [served.workdir / "web.log"],
        )

        # then the profile changes are in the database, and the refused connection saved nothing
        with django_db_blocker.unblock(), schema_context(acme.schema_name):
            admin = User.objects.get(email=PORTAL_EMAIL)
            assert admin.full_name == outcome["full_name"] == "Paula P. Portal"
            assert admin.check_password(PORTAL_NEW_PASSWORD)
            assert NotificationsSeen.objects.filter(user=admin).exists(), "opening the notifications marks them seen"
            assert list(admin.mail_accounts.order_by("id").values_list("email_address", flat=True)) == [
                "sales@acme-e2e.test",
                "support@acme-e2e.test",
            ]
    finally:
        with django_db_blocker.unblock():
            _portal_company_unseed(acme)

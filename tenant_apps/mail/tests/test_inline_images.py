"""Inline images: a cid: reference in a synced HTML body points at the message's own image part, which downloads
as that image; references to non-images or unknown parts stay unresolved."""

from __future__ import annotations

import base64
from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.mail.imap.sync import account_sync
from tenant_apps.mail.models import MailMessage
from tenant_apps.mail.tests.conftest import Mailbox, account_make

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
RELATED = (
    b"From: ann@example.org\r\nTo: bob@example.test\r\nSubject: Logo\r\nMessage-ID: <logo@example.org>\r\n"
    b"Date: Tue, 03 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/related; boundary="REL"\r\n\r\n'
    b"--REL\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Our logo <img src="cid:logo@example.org" alt="logo"> and <img src="cid:script@example.org">'
    b' and <img src="cid:missing@example.org"></p>\r\n'
    b"--REL\r\nContent-Type: image/png\r\nContent-ID: <logo@example.org>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.b64encode(PNG)
    + b"\r\n--REL\r\nContent-Type: text/html\r\nContent-ID: <script@example.org>\r\n\r\n<script>alert(1)</script>\r\n"
    b"--REL--\r\n"
)


def test_cid_images_point_at_their_part_and_download_as_images(
    acme: TestTenant, acme_owner_client: Any, mailbox: Mailbox
):
    mailbox.append(RELATED)
    account = account_make(acme, mailbox)
    with schema_context(acme.schema_name):
        account_sync(account=account)
        message = MailMessage.objects.get(account=account, message_id="logo@example.org")
        logo = message.attachments.get(content_id="logo@example.org")
    detail = acme_owner_client.get(f"/api/mail/messages/{message.pk}").json()
    html = detail["html_body"]
    assert f'<img src="/api/mail/attachments/{logo.pk}" alt="logo">' in html
    assert 'src="cid:script@example.org"' in html
    assert 'src="cid:missing@example.org"' in html
    image = acme_owner_client.get(f"/api/mail/attachments/{logo.pk}")
    assert image.status_code == 200
    assert (image["Content-Type"], image.content) == ("image/png", PNG)
    assert image["X-Content-Type-Options"] == "nosniff"

"""The mail client in Debian's Chromium against the real backend: gunicorn serving the export and /api, a Celery
worker syncing from a private Dovecot (on a private Redis broker), an SMTP server with AUTH for the account check.

Two browser scripts (frontend/e2e/): the whole read side (connect a mailbox, watch the sync progress bar, scroll,
open, attachments, search), and the XSS test: a hostile HTML mail synced from Dovecot renders in the reading pane
with nothing in it executing or fetching anything, and remote images are requested only once the user asks.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context
from imapclient import IMAPClient

from deploy.local_stack import Process, port_free
from shared_apps.common.testing import TEST_PASSWORD, TestTenant
from shared_apps.frontend.tests.stack import (
    browser_tools_ensure,
    missing,
    private_redis,
    script_run,
    stack_env,
    web_running,
    worker_running,
)
from tenant_apps.mail.tests.conftest import GmailMailbox, SmtpAuthServer, gmail_emulator  # noqa: F401 - fixture
from tenant_apps.mail.tests.dovecot import DEFAULT_PASSWORD, DovecotMissing, DovecotServer, dovecot_start
from tenant_apps.mail.tests.gmail_emulator import GmailEmulator

pytestmark = pytest.mark.integration
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


class Beacon(ThreadingHTTPServer):
    """An HTTP server that remembers every path asked of it: what a tracker or an attacker's server would see."""

    hits: list[str]


class BeaconHandler(BaseHTTPRequestHandler):
    server: Beacon

    def _answer(self) -> None:
        if self.path == "/hits":
            body, kind = json.dumps(self.server.hits).encode(), "application/json"
        else:
            self.server.hits.append(self.path)
            body, kind = PIXEL, "image/gif"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer  # noqa: N815 - http.server's names
    do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        return


@dataclass
class MailStack:
    origin: str
    dovecot: DovecotServer
    smtp: SmtpAuthServer
    beacon: Beacon
    workdir: Path
    env: dict[str, str]
    exits: ExitStack
    mailboxes: list[str] = field(default_factory=list)
    worker: Process | None = None

    def worker_start(self) -> None:
        """The Celery worker starts on demand, so a test can watch a queued sync before it runs."""
        if self.worker is None:
            self.worker = self.exits.enter_context(worker_running(self.env, self.workdir))

    @property
    def beacon_url(self) -> str:
        return f"http://127.0.0.1:{self.beacon.server_address[1]}"

    def mailbox_take(self) -> str:
        username = self.dovecot.user_take()
        self.smtp.users[username] = DEFAULT_PASSWORD
        self.mailboxes.append(username)
        return username

    def imap(self, username: str) -> IMAPClient:
        client = IMAPClient(self.dovecot.host, port=self.dovecot.port, ssl=False, timeout=10)
        client.login(username, DEFAULT_PASSWORD)
        return client

    def logs(self) -> list[Path]:
        return [self.workdir / "web.log", self.workdir / "worker.log"]

    def browser_env(self, username: str) -> dict[str, str]:
        return {
            "ORIGIN": self.origin,
            "OWNER_EMAIL": "owner@acme.test",
            "OWNER_PASSWORD": TEST_PASSWORD,
            "MAILBOX": username,
            "MAILBOX_PASSWORD": DEFAULT_PASSWORD,
            "IMAP_PORT": str(self.dovecot.port),
            "SMTP_PORT": str(self.smtp.port),
            "BEACON": self.beacon_url,
        }


@pytest.fixture(scope="module")
def mail_stack(
    test_tenants: dict[str, TestTenant], django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MailStack]:
    browser_tools_ensure()
    try:
        dovecot = dovecot_start(users=[f"e2e{number}@example.test" for number in range(1, 5)])
    except DovecotMissing as exc:
        missing(str(exc))
        raise
    smtp = SmtpAuthServer()
    smtp.controller.start()
    beacon = Beacon(("127.0.0.1", 0), BeaconHandler)
    beacon.hits = []
    threading.Thread(target=beacon.serve_forever, daemon=True).start()
    workdir = tmp_path_factory.mktemp("e2e-mail")
    port = port_free()
    acme = test_tenants["acme"]
    mailboxes: list[str] = []
    try:
        with ExitStack() as exits:
            broker = exits.enter_context(private_redis(workdir))
            env = stack_env(
                port=port, workdir=workdir, settings_module="config.settings.test", CELERY_BROKER_URL=broker
            )
            exits.enter_context(web_running(env, workdir))
            stack = MailStack(f"http://{acme.hostname}:{port}", dovecot, smtp, beacon, workdir, env, exits, mailboxes)
            yield stack
    finally:
        beacon.shutdown()
        smtp.controller.stop()
        dovecot.stop()
        with django_db_blocker.unblock(), schema_context(acme.schema_name):
            from tenant_apps.mail.models import MailAccount

            MailAccount.objects.filter(email_address__in=mailboxes).delete()


def _message(subject: str, *, sent: datetime, sender: str = "Ann Example <ann@example.org>", **extra: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "bob@example.test"
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = extra.pop("message_id", make_msgid(domain="example.org"))
    for name, value in extra.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"{subject}.\n\nKind regards,\nAnn\n")
    return message.as_bytes()


def _mailbox_fill(client: IMAPClient, count: int) -> None:
    """`count` ordinary messages, a conversation, one with an attachment, one flagged, one from a known sender."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for number in range(count):
        sent = start + timedelta(hours=number)
        client.append("INBOX", _message(f"Weekly update {number + 1:03d}", sent=sent), msg_time=sent)
    question = _message("Lunch on Friday?", sent=start + timedelta(days=20), message_id="<lunch-1@example.org>")
    answer = _message(
        "Re: Lunch on Friday?", sent=start + timedelta(days=20, hours=1), sender="Carl Client <carl@client.example>",
        message_id="<lunch-2@example.org>", In_Reply_To="<lunch-1@example.org>", References="<lunch-1@example.org>",
    )  # fmt: skip
    report = EmailMessage()
    report["From"] = "Finance <finance@example.org>"
    report["To"] = "bob@example.test"
    report["Subject"] = "Quarterly report"
    report["Date"] = format_datetime(start + timedelta(days=21))
    report["Message-ID"] = "<report@example.org>"
    report.set_content("The quarterly numbers are attached.\n")
    report.add_attachment(b"quarter,revenue\nQ1,1200\n", maintype="text", subtype="plain", filename="q1-numbers.txt")
    contract = _message("Signed contract", sent=start + timedelta(days=19), sender="Dana Legal <dana@legal.example>")
    # INTERNALDATE orders the list: the report is the newest, then the conversation, then the contract.
    client.append("INBOX", question, msg_time=start + timedelta(days=20))
    client.append("INBOX", answer, msg_time=start + timedelta(days=20, hours=1))
    client.append("INBOX", report.as_bytes(), msg_time=start + timedelta(days=21))
    client.append("INBOX", contract, flags=(b"\\Flagged",), msg_time=start + timedelta(days=19))


def _flags_of(client: IMAPClient, subject: str) -> set[bytes]:
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["SUBJECT", subject])
    assert len(uids) == 1, f"{subject!r}: {uids}"
    return set(client.get_flags(uids)[uids[0]])


def test_mail_client_connects_syncs_reads_and_searches(
    mail_stack: MailStack, test_tenants: dict[str, TestTenant], django_db_blocker: Any
) -> None:
    # given a mailbox with 120 weekly updates, a conversation, an attachment and a flagged contract
    username = mail_stack.mailbox_take()
    with mail_stack.imap(username) as client:
        _mailbox_fill(client, 120)

    # when the owner connects it in the mail client, waits for the sync, scrolls, opens, downloads and searches
    gate = mail_stack.workdir / "sync-gate"
    outcome = script_run(
        "e2e/mail-client.e2e.mjs",
        {**mail_stack.browser_env(username), "SYNC_GATE": str(gate)},
        mail_stack.logs(),
        gate=(gate, mail_stack.worker_start),
    )

    # then the browser saw the progress bar and every message, and what it did reached the server
    assert outcome["progress_seen"] is True
    assert outcome["rows_after_scroll"] == 124
    assert outcome["opened_subject"] == "Quarterly report"
    assert outcome["attachment_text"] == "quarter,revenue\nQ1,1200\n"
    assert outcome["search_subjects"] == ["Quarterly report"]
    assert outcome["flagged_subjects"] == ["Signed contract"]
    assert outcome["thread_size"] == 2
    assert outcome["draft_saved"] is True
    with mail_stack.imap(username) as client:
        assert b"\\Seen" in _flags_of(client, "Quarterly report")
        assert b"\\Seen" not in _flags_of(client, "Weekly update 001")
        # deleted, then brought back by Undo: in the inbox once, still flagged
        assert b"\\Flagged" in _flags_of(client, "Signed contract")
        assert b"\\Seen" in _flags_of(client, "Weekly update 120")
        client.select_folder("Trash", readonly=True)
        assert client.search(["SUBJECT", "Signed contract"]) == []
    with django_db_blocker.unblock(), schema_context(test_tenants["acme"].schema_name):
        from tenant_apps.mail.models import MailDraft, MailMessage, MailOutgoing

        messages = MailMessage.objects.filter(account__email_address=username, folder__role="inbox")
        assert messages.count() == 124
        assert messages.get(subject="Quarterly report").is_read is True
        replies = MailOutgoing.objects.filter(account__email_address=username).order_by("id")
        assert [(reply.subject, reply.status) for reply in replies][0] == ("Re: Lunch on Friday?", "cancelled")
        sent = replies.last()
        assert sent is not None
        assert (sent.subject, [upload.filename for upload in sent.attachments.all()]) == (
            "Re: Lunch on Friday?",
            ["agenda.txt"],
        )
        assert "carl@client.example" in json.dumps(sent.to)
        assert "Friday works for me." in sent.text_body
        assert MailDraft.objects.filter(account__email_address=username).count() == 0


HOSTILE_HTML = """<html><head>
<meta http-equiv="refresh" content="0;url={beacon}/xss/meta-refresh">
<link rel="stylesheet" href="{beacon}/xss/link-stylesheet">
<base href="{beacon}/xss/base/">
<style>@import url({beacon}/xss/css-import); body {{ background: url({beacon}/xss/css-background) }}
.x {{ width: expression(top.__xss = 'expression') }}</style>
<script>top.__xss = 'script'; new Image().src = '{beacon}/xss/script';</script>
</head><body onload="top.__xss = 'body-onload'; new Image().src = '{beacon}/xss/body-onload'">
<h1 id="greeting">Totally normal newsletter</h1>
<img src="x" onerror="top.__xss = 'onerror'; new Image().src = '{beacon}/xss/onerror'">
<img id="tracker" src="{beacon}/remote/pixel.gif" alt="tracker">
<svg onload="new Image().src = '{beacon}/xss/svg-onload'"><script>new Image().src = '{beacon}/xss/svg-script'</script>
<image href="{beacon}/xss/svg-image"/>
<a href="javascript:new Image().src = '{beacon}/xss/svg-link'"><text>svg</text></a></svg>
<a id="js-link" href="javascript:top.__xss = 'js-link'; new Image().src = '{beacon}/xss/js-link'">Click me</a>
<a id="js-link-2" href=" JaVaScRiPt:new Image().src = '{beacon}/xss/js-link-2'">And me</a>
<a id="data-link" href="data:text/html,<script>new Image().src = '{beacon}/xss/data-link'</script>">Data</a>
<form action="{beacon}/xss/form" method="post"><input name="q" value="1">
<button id="form-button" type="submit">Submit</button></form>
<iframe src="{beacon}/xss/iframe"></iframe>
<iframe srcdoc="<script>new Image().src = '{beacon}/xss/iframe-srcdoc'</script>"></iframe>
<object data="{beacon}/xss/object"></object><embed src="{beacon}/xss/embed">
<div id="overlay" style="position:fixed;top:0;left:0;width:100%;height:100%;background:red;z-index:99999">Overlay</div>
<div style="background-image: url(javascript:top.__xss = 'css-js')">css javascript url</div>
<p style="background: url({beacon}/xss/inline-css-url)">inline css url</p>
<video poster="{beacon}/xss/video-poster" src="{beacon}/xss/video"></video>
<details open ontoggle="new Image().src = '{beacon}/xss/ontoggle'"><summary>More</summary></details>
<math><mtext><table><mglyph><style><img src=x onerror="new Image().src = '{beacon}/xss/mxss'">
</body></html>"""


def test_hostile_html_mail_renders_with_nothing_executing(mail_stack: MailStack) -> None:
    # given a synced-to-be mailbox whose newest mail is a hostile HTML newsletter with a tracking pixel
    username = mail_stack.mailbox_take()
    hostile = EmailMessage()
    hostile["From"] = "Mallory <mallory@evil.example>"
    hostile["To"] = username
    hostile["Subject"] = "Totally normal newsletter"
    hostile["Date"] = format_datetime(datetime(2026, 3, 5, 8, 0, tzinfo=UTC))
    hostile["Message-ID"] = "<hostile@evil.example>"
    hostile.set_content("Plain part")
    hostile.add_alternative(HOSTILE_HTML.format(beacon=mail_stack.beacon_url), subtype="html")
    with mail_stack.imap(username) as client:
        client.append("INBOX", hostile.as_bytes())

    # when the owner syncs it and opens it in the reading pane, clicks its links, then asks for the images
    mail_stack.worker_start()
    outcome = script_run("e2e/mail-xss.e2e.mjs", mail_stack.browser_env(username), mail_stack.logs())

    # then nothing executed, nothing but the tracking pixel was ever fetched, and that only once asked for
    assert outcome["xss_flag"] is None
    assert outcome["dialogs"] == []
    assert outcome["popups"] == 0
    assert outcome["dangerous_nodes"] == 0
    assert outcome["hits_before_images"] == []
    assert outcome["tracker_loaded_after_asking"] is True
    assert [hit for hit in mail_stack.beacon.hits if not hit.startswith("/remote/")] == []
    assert set(mail_stack.beacon.hits) == {"/remote/pixel.gif"}


REFUSED_RECIPIENT = "nobody@unknown.example"


def test_tags_drafts_and_a_failed_send_in_the_mail_client(
    mail_stack: MailStack, test_tenants: dict[str, TestTenant], django_db_blocker: Any
) -> None:
    # given a mailbox with a message carrying the keyword old-tag, and an SMTP server refusing one recipient
    username = mail_stack.mailbox_take()
    with mail_stack.imap(username) as client:
        sent = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        client.append("INBOX", _message("Contract draft", sent=sent), flags=(b"old-tag",), msg_time=sent)
    refusal = f"550 5.1.1 <{REFUSED_RECIPIENT}>: Recipient address rejected: User unknown"
    mail_stack.smtp.refusals[REFUSED_RECIPIENT] = refusal
    mail_stack.worker_start()

    # when the owner tags the message, saves a draft, reloads, reopens, continues and sends it, then sends to the
    # refused recipient, follows the failure's notification and retries once the server takes the recipient
    gate = mail_stack.workdir / "retry-gate"

    def recipient_accept() -> None:
        mail_stack.smtp.refusals.pop(REFUSED_RECIPIENT, None)

    try:
        outcome = script_run(
            "e2e/mail-drafts-tags.e2e.mjs",
            {**mail_stack.browser_env(username), "RETRY_GATE": str(gate)},
            mail_stack.logs(),
            gate=(gate, recipient_accept),
        )
    finally:
        recipient_accept()

    # then the keywords are on the IMAP server, not only in the page
    assert outcome["tags_after_reload"] == ["follow-up"]
    with mail_stack.imap(username) as client:
        flags = _flags_of(client, "Contract draft")
        assert b"follow-up" in flags
        assert b"old-tag" not in flags
    # the reopened draft was saved over (one draft, the same id, the new text), and it left Drafts once sent
    draft_id = outcome["first_draft_id"]
    assert outcome["drafts_while_editing"] == [[draft_id, "Second version, final."]]
    assert outcome["drafts_after_send"] == 0
    # the failure was shown with the server's words, reached through the notification's own link
    assert outcome["notification_href"].endswith(outcome["landed_on"])
    assert "&outbox=" in outcome["landed_on"]
    assert "User unknown" in outcome["failed_error"]
    assert outcome["status_after_retry"] == "sent"
    with django_db_blocker.unblock(), schema_context(test_tenants["acme"].schema_name):
        from tenant_apps.mail.models import MailDraft, MailOutgoing

        assert not MailDraft.objects.filter(account__email_address=username).exists()
        proposal = MailOutgoing.objects.get(account__email_address=username, subject="Proposal for Dana")
        assert "Second version, final." in proposal.text_body
        invoice = MailOutgoing.objects.get(account__email_address=username, subject="Invoice 42")
        assert (invoice.status, invoice.attempts) == ("sent", 2)
        assert outcome["landed_on"] == f"?account={invoice.account_id}&outbox={invoice.pk}"
    # and both reached the SMTP server (the proposal once its undo window of 10 s had passed)
    deadline = time.monotonic() + 30
    while ["dana@legal.example"] not in [mail.rcpt_tos for mail in mail_stack.smtp.received]:
        assert time.monotonic() < deadline, "the sent draft never reached the SMTP server"
        time.sleep(0.2)
    assert [REFUSED_RECIPIENT] in [mail.rcpt_tos for mail in mail_stack.smtp.received]


def test_gmail_labels_in_the_mail_client(
    mail_stack: MailStack,
    gmail_emulator: GmailEmulator,  # noqa: F811 - the imported fixture
) -> None:
    # given a Gmail mailbox (the emulator) whose message carries the label Clients
    gmail = GmailMailbox(gmail_emulator, "e2e-labels@gmail.test")
    mail_stack.smtp.users[gmail.username] = gmail.password
    mail_stack.mailboxes.append(gmail.username)
    plan = _message("Quarterly plan", sent=datetime(2026, 3, 4, 9, 0, tzinfo=UTC), message_id="<plan@example.org>")
    gmail.append(plan)
    with gmail.other_client() as client:
        client.select_folder("INBOX")
        client.add_gmail_labels(client.search(["ALL"]), ["Clients"])
    mail_stack.worker_start()

    # when the owner changes the message's labels and manages the account's labels in the browser
    outcome = script_run(
        "e2e/mail-gmail-labels.e2e.mjs",
        {**mail_stack.browser_env(gmail.username), "IMAP_PORT": str(gmail_emulator.port)},
        mail_stack.logs(),
    )

    # then the page showed Gmail's labels, and every change reached Gmail
    assert outcome["labels_synced"] == ["Inbox", "Clients"]
    assert outcome["labels_after_edit"] == ["Inbox", "Projects"]
    assert outcome["labels_after_manage"] == ["Inbox", "Projects 2026"]
    assert outcome["manager_labels"] == ["Clients", "Projects 2026"]
    assert gmail.labels_on_server("<plan@example.org>") == ["Projects 2026", "\\Inbox"]
    with gmail.other_client() as client:
        names = {name for _flags, _delimiter, name in client.list_folders()}
    # a label Gmail lists stays listed when its last message loses it; renamed and deleted ones are gone
    assert {"Clients", "Projects 2026"} <= names
    assert "Projects" not in names
    assert "Later" not in names

"""A real Celery worker process SIGKILLed in the middle of a send, and a new one started: the SMTP server gets the
message once, and the outbox row ends failed with delivery_uncertain (a human to check), which the API shows.

Everything is real: the worker subprocess (solo pool, acks_late) on a private Redis broker, PostgreSQL with the
rows committed so the worker sees them, and aiosmtpd, whose DATA step kills the worker at the chosen moment:
- after it has the whole message and before it answers 250 (the worker never hears the answer);
- after it answered 250, while the worker is writing "sent" (held by a row lock until the kill, so the write
  never lands).
The restarted worker runs beat (the outbox sweep every second here) and gets the killed task again from the
broker (a short visibility timeout): the sweep resolves the send whose lease ran out, the redelivered task finds
nothing to do, and nothing is sent again. A third case kills the worker while the server answers its RCPT: the
server never had the message, so the next worker sends it, exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from deploy.local_stack import Process, port_free
from shared_apps.common.testing import TestTenant, database_url
from shared_apps.frontend.tests.stack import private_redis, stack_env
from tenant_apps.accounts.models import User
from tenant_apps.mail.models import MailAccount, MailOutgoing
from tenant_apps.mail.outbox import services
from tenant_apps.mail.outbox.compose import ComposeInput, Recipient
from tenant_apps.mail.outbox.sending import UNCERTAIN_AFTER_CRASH
from tenant_apps.mail.tests.conftest import (
    Mailbox,
    SmtpAuthServer,
    _RecordingHandler,
    account_make,
    mailbox_make,
    owner_client,
)
from tenant_apps.mail.tests.dovecot import DovecotServer

pytestmark = pytest.mark.integration

LEASE_SECONDS = 10  # the first worker's hold on the send; the sweep treats it as crashed after that
TIMEOUT_SECONDS = 180  # generous: two cores shared with other test runs


def wait_until(what: str, condition: Callable[[], bool], logs: list[Path], timeout: float = TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "".join(
                f"\n--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
                for log in logs
                if log.is_file()
            )
            pytest.fail(f"timed out waiting for {what}{tails}", pytrace=False)
        time.sleep(0.1)


class KillingSmtpServer(SmtpAuthServer):
    """The recording SMTP server of the mail tests, whose DATA step SIGKILLs `victim` once (see `moment`)."""

    def __init__(self) -> None:
        super().__init__()
        self.victim: Process | None = None
        self.moment = ""
        self.row_lock: tuple[str, int] | None = None  # (table, id) locked from 250 until the kill
        self.killed = threading.Event()
        self.controller = _KillingController(self)

    def kill_victim(self) -> None:
        assert self.victim is not None
        assert self.victim.popen is not None
        if self.killed.is_set():  # once: a second send reaching DATA is what the test must see, not a second kill
            return
        os.kill(self.victim.popen.pid, signal.SIGKILL)
        self.victim.popen.wait(timeout=30)
        self.killed.set()


class _KillingHandler(_RecordingHandler):
    smtp: KillingSmtpServer

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        answer = await super().handle_RCPT(server, session, envelope, address, rcpt_options)
        if self.smtp.moment == "before DATA":
            self.smtp.kill_victim()  # the worker waits for this answer: it never reaches DATA
        return answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        answer = await super().handle_DATA(server, session, envelope)
        if self.smtp.moment == "before 250":
            self.smtp.kill_victim()  # the whole message is here; the answer goes to a dead socket
        return answer


class _KillingSMTP(SMTP):
    def __init__(self, smtp: KillingSmtpServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorder = smtp

    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802 - aiosmtpd's name
        smtp = self.recorder
        lock = _row_lock(smtp.row_lock) if smtp.moment == "after 250" else None
        await super().smtp_DATA(arg)  # answers 250 and flushes it
        if lock is not None:
            # The worker hangs up (QUIT) and writes "sent"; once that write waits for our lock, it dies.
            threading.Thread(target=_kill_when_blocked, args=(smtp, lock), daemon=True).start()


class _KillingController(Controller):
    def __init__(self, smtp: KillingSmtpServer) -> None:
        super().__init__(
            _KillingHandler(smtp),
            hostname="127.0.0.1",
            port=smtp.port,
            authenticator=smtp._authenticate,
            auth_require_tls=False,
        )
        self.recorder = smtp

    def factory(self) -> SMTP:
        return _KillingSMTP(self.recorder, self.handler, **self.SMTP_kwargs)


def _row_lock(row: tuple[str, int] | None) -> psycopg.Connection[Any]:
    assert row is not None
    table, row_id = row
    lock = psycopg.connect(database_url())
    lock.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [row_id])  # noqa: S608 - our own table name
    return lock


def _kill_when_blocked(smtp: KillingSmtpServer, lock: psycopg.Connection[Any]) -> None:
    try:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            blocked = lock.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            ).fetchone()
            if blocked and blocked[0]:
                smtp.kill_victim()
                return
            time.sleep(0.02)
    finally:
        lock.rollback()  # the dead worker's transaction now gets the row, and is rolled back unanswered
        lock.close()


@dataclass
class CrashStack:
    tenant: TestTenant
    smtp: KillingSmtpServer
    env: dict[str, str]
    workdir: Path
    broker: str
    accounts: list[int]

    def worker(self, name: str, *, beat: bool, **env: str) -> Process:
        argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,mail", "-l", "info",
                "--concurrency", "1", "--pool", "solo", "-n", f"{name}-{os.getpid()}@%h"]  # fmt: skip
        if beat:
            argv += ["-B", "--schedule", str(self.workdir / f"{name}-beat-schedule")]
        process = Process(name, argv, {**self.env, **env}, self.workdir / f"{name}.log")
        process.start()
        return process

    def logs(self) -> list[Path]:
        return sorted(self.workdir.glob("*.log"))


@pytest.fixture(scope="module")
def crash_stack(
    test_tenants: dict[str, TestTenant],
    dovecot: DovecotServer,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CrashStack]:
    acme = test_tenants["acme"]
    smtp = KillingSmtpServer()
    smtp.controller.start()
    workdir = tmp_path_factory.mktemp("outbox-crash")
    accounts: list[int] = []
    try:
        with ExitStack() as exits:
            broker = exits.enter_context(private_redis(workdir))
            env = stack_env(
                port=port_free(),
                workdir=workdir,
                settings_module="config.settings.test",
                CELERY_BROKER_URL=broker,
                MEDIA_ROOT=str(settings.MEDIA_ROOT),  # the message's bytes, stored by this process
                CELERY_VISIBILITY_TIMEOUT_SECONDS="3",
                MAIL_OUTBOX_SWEEP_SECONDS="1",
            )
            yield CrashStack(acme, smtp, env, workdir, broker, accounts)
    finally:
        smtp.controller.stop()
        with django_db_blocker.unblock(), schema_context(acme.schema_name):
            MailAccount.objects.filter(pk__in=accounts).delete()


def _queue_on_private_broker(
    stack: CrashStack, mailbox_username: str, subject: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[MailOutgoing, list[str]]:
    """Queue a message (committed); its on-commit hook hands the task to the private broker."""
    from config.celery import app
    from tenant_apps.mail.outbox.tasks import mail_outbox_send

    task_ids: list[str] = []

    def send_enqueue(outgoing_id: int, eta: datetime | None = None) -> None:
        with app.connection_for_write(stack.broker) as broker:
            task = mail_outbox_send.apply_async(
                kwargs={"outgoing_id": outgoing_id}, eta=eta, queue="mail", connection=broker
            )
        task_ids.append(str(task.id))

    with schema_context(stack.tenant.schema_name), monkeypatch.context() as patched:
        patched.setattr(services, "send_enqueue", send_enqueue)
        account = MailAccount.objects.get(email_address=mailbox_username)
        owner = User.objects.get(email=stack.tenant.owner_email)
        data = ComposeInput(to=[Recipient("bob@example.test", "Bob")], subject=subject, text_body="Once, please.")
        outgoing = services.outbox_queue(actor=owner, account=account, data=data)
    return outgoing, task_ids


def _row(stack: CrashStack, outgoing_id: int) -> MailOutgoing:
    with schema_context(stack.tenant.schema_name):
        return MailOutgoing.objects.get(pk=outgoing_id)


def _log_count(path: Path, pattern: str) -> int:
    return len(re.findall(pattern, path.read_text(errors="replace"))) if path.is_file() else 0


@dataclass
class Cut:
    """A send whose worker was killed, and the new worker (with beat) started once its lease ran out."""

    account: MailAccount
    outgoing: MailOutgoing
    task_id: str  # the task the killed worker had taken
    second: Process

    def received(self, stack: CrashStack) -> int:
        return sum(f"<{self.outgoing.message_id}>".encode() in mail.data for mail in stack.smtp.received)


@contextmanager
def _send_killed_and_restarted(
    stack: CrashStack, mailbox: Mailbox, moment: str, monkeypatch: pytest.MonkeyPatch, *, cut_progress: str
) -> Iterator[Cut]:
    """Queue a message for a worker that is SIGKILLed at `moment`; check the row says what the dead worker got to
    write (sending, `cut_progress`, first attempt); yield once its lease ran out and a new worker is running."""
    account = account_make(stack.tenant, mailbox)
    stack.accounts.append(account.pk)
    stack.smtp.moment = moment
    name = moment.replace(" ", "-")
    first = stack.worker(f"first-{name}", beat=False, MAIL_SEND_LEASE_SECONDS=str(LEASE_SECONDS))
    stack.smtp.victim = first
    stack.smtp.killed.clear()
    outgoing, task_ids = _queue_on_private_broker(stack, mailbox.username, f"Killed {moment}", monkeypatch)
    assert len(task_ids) == 1
    stack.smtp.row_lock = (f'"{stack.tenant.schema_name}"."{MailOutgoing._meta.db_table}"', outgoing.pk)
    wait_until(f"the worker to be killed ({moment})", stack.smtp.killed.is_set, stack.logs())
    assert not first.alive()
    cut_row = MailOutgoing.objects.filter(pk=outgoing.pk)
    with schema_context(stack.tenant.schema_name):
        assert cut_row.values_list("status", "progress", "attempts").get() == ("sending", cut_progress, 1)
        wait_until(
            "the dead worker's lease to run out",
            lambda: MailOutgoing.objects.filter(pk=outgoing.pk, lease_until__lt=timezone.now()).exists(),
            stack.logs(),
        )
    second = stack.worker(f"second-{name}", beat=True)
    try:
        yield Cut(account, outgoing, task_ids[0], second)
    finally:
        second.stop()


def _later_sweeps(stack: CrashStack, cut: Cut) -> None:
    """Two more sweeps run after the outcome was reached (and could have sent it again, but must not)."""
    log = cut.second.log_path
    pattern = r"mail\.tenant_outbox_sweep\[[^\]]+\] succeeded"
    sweeps = _log_count(log, pattern)
    wait_until("two more sweeps", lambda: _log_count(log, pattern) >= sweeps + 2, stack.logs())


@pytest.mark.parametrize("moment", ["before 250", "after 250"])
def test_a_worker_killed_while_sending_never_sends_twice_and_leaves_it_for_a_human(
    crash_stack: CrashStack,
    dovecot: DovecotServer,
    django_db_blocker: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    moment: str,
) -> None:
    stack = crash_stack
    settings.MAIL_UNDO_SEND_SECONDS = 0
    mailbox = mailbox_make(dovecot, stack.smtp)
    with django_db_blocker.unblock():
        # given a worker SIGKILLed in the DATA step (`moment`), and a new worker with beat started after its lease
        with _send_killed_and_restarted(stack, mailbox, moment, monkeypatch, cut_progress="data") as cut:
            outgoing = cut.outgoing
            # the server had the message once; the row said the worker handed it over (progress data)
            assert cut.received(stack) == 1
            log = cut.second.log_path
            wait_until(
                "the sweep to resolve the cut send", lambda: _row(stack, outgoing.pk).status != "sending", stack.logs()
            )
            # the task the killed worker had taken comes back from the broker and does nothing
            wait_until(
                "the killed worker's task to be redelivered",
                lambda: _log_count(log, rf"mail\.outbox_send\[{cut.task_id}\] succeeded in [0-9.]+s: 'skipped'") == 1,
                stack.logs(),
            )
            _later_sweeps(stack, cut)

        # then it was delivered exactly once, and it waits for a human: failed, delivery uncertain, in words
        final = _row(stack, outgoing.pk)
        assert cut.received(stack) == 1
        assert (final.status, final.progress, final.delivery_uncertain, final.last_error, final.attempts) == (
            "failed", "data", True, UNCERTAIN_AFTER_CRASH, 1,
        )  # fmt: skip
        assert final.lease_until is None
        # and the owner sees it so through the API; a plain retry is refused, nothing changed
        client = owner_client(stack.tenant)
        shown = client.get(f"/api/mail/outbox/{outgoing.pk}")
        assert shown.status_code == 200, shown.content
        assert (shown.json()["status"], shown.json()["delivery_uncertain"], shown.json()["last_error"]) == (
            "failed", True, UNCERTAIN_AFTER_CRASH,
        )  # fmt: skip
        listed = client.get(f"/api/mail/accounts/{cut.account.pk}/outbox")
        assert [(item["id"], item["delivery_uncertain"]) for item in listed.json()["results"]] == [(outgoing.pk, True)]
        refused = client.post(f"/api/mail/outbox/{outgoing.pk}/retry", {}, format="json")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "outbox_conflict"
        assert _row(stack, outgoing.pk).status == "failed"
        assert cut.received(stack) == 1
        assert client.post("/api/auth/logout").status_code in (200, 204)  # its session row is committed too


def test_a_worker_killed_before_data_is_sent_once_by_the_next_worker(
    crash_stack: CrashStack,
    dovecot: DovecotServer,
    django_db_blocker: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = crash_stack
    settings.MAIL_UNDO_SEND_SECONDS = 0
    mailbox = mailbox_make(dovecot, stack.smtp)
    with django_db_blocker.unblock():
        # given a worker SIGKILLed while the server answers its RCPT: the server never had the message
        with _send_killed_and_restarted(stack, mailbox, "before DATA", monkeypatch, cut_progress="") as cut:
            outgoing = cut.outgoing
            assert cut.received(stack) == 0
            # when the new worker's sweep finds it, it is queued again and sent, and its Sent copy filed
            wait_until(
                "the message to be sent and filed by the new worker",
                lambda: (_row(stack, outgoing.pk).status, _row(stack, outgoing.pk).progress) == ("sent", "filed"),
                stack.logs(),
            )
            log = cut.second.log_path
            # the killed worker's task came back too: one of the two tasks sent it, the other found nothing to do
            wait_until(
                "the killed worker's task to be redelivered",
                lambda: _log_count(log, rf"mail\.outbox_send\[{cut.task_id}\] succeeded") == 1,
                stack.logs(),
            )
            _later_sweeps(stack, cut)
            sent_tasks = _log_count(log, r"mail\.outbox_send\[[^\]]+\] succeeded in [0-9.]+s: 'sent'")

        # then the server got it exactly once, the second attempt, and the Sent folder has one copy
        final = _row(stack, outgoing.pk)
        assert (cut.received(stack), sent_tasks) == (1, 1)
        assert (final.status, final.delivery_uncertain, final.attempts, final.last_error) == ("sent", False, 2, "")
        with mailbox.other_client() as client:
            client.select_folder("Sent", readonly=True)
            assert len(client.search(["HEADER", "Message-ID", outgoing.message_id])) == 1
        owner = owner_client(stack.tenant)
        shown = owner.get(f"/api/mail/outbox/{outgoing.pk}")
        assert (shown.json()["status"], shown.json()["delivery_uncertain"]) == ("sent", False)
        assert owner.post("/api/auth/logout").status_code in (200, 204)

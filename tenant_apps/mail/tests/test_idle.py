"""IMAP IDLE against the real Dovecot: a message appended by another client is pushed during IDLE; IDLE is re-issued
on its timer; a dropped connection is re-established."""

from __future__ import annotations

import threading
import time
from typing import Any

from tenant_apps.mail.imap.connection import ServerSettings
from tenant_apps.mail.imap.idle import IdleListener
from tenant_apps.mail.tests import messages
from tenant_apps.mail.tests.conftest import Mailbox
from tenant_apps.mail.tests.proxy import CuttingProxy


def _listen(mailbox: Mailbox, port: int, **options: Any) -> tuple[IdleListener, threading.Event, list[float]]:
    """A listener in a thread of its own; `changes` gets the time of each callback."""
    changes: list[float] = []
    stop = threading.Event()
    server = ServerSettings("127.0.0.1", port, "none", mailbox.username, mailbox.password)
    listener = IdleListener(server, on_change=lambda: changes.append(time.monotonic()), stop=stop, **options)
    threading.Thread(target=listener.run, daemon=True).start()
    return listener, stop, changes


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_new_mail_during_idle_is_pushed_not_polled(mailbox: Mailbox):
    # given a listener that has caught up once, whose IDLE would only be re-issued after a minute
    listener, stop, changes = _listen(mailbox, mailbox.dovecot.port, reissue_seconds=60, check_seconds=0.1)
    try:
        assert _wait_for(lambda: len(changes) == 1), (changes, listener.connections, listener.idle_commands)
        # when another client appends
        mailbox.append(messages.simple("Pushed"))
        # then the server's push during the same IDLE brings it, long before any re-issue or reconnect could
        # (how fast is bench/mail_sync.py's idle_latency_ms, not a test's business)
        assert _wait_for(lambda: len(changes) == 2, seconds=10.0)
        assert listener.connections == 1
    finally:
        stop.set()


def test_idle_is_reissued_on_its_timer_without_reconnecting(mailbox: Mailbox):
    listener, stop, changes = _listen(mailbox, mailbox.dovecot.port, reissue_seconds=1.0, check_seconds=0.1)
    try:
        assert _wait_for(lambda: len(changes) == 1)
        commands = listener.idle_commands
        assert _wait_for(lambda: listener.idle_commands >= commands + 2, seconds=10.0)
        assert listener.connections == 1
        assert len(changes) == 1  # re-issuing is not mistaken for new mail
    finally:
        stop.set()


def test_a_dropped_connection_is_reestablished(mailbox: Mailbox):
    proxy = CuttingProxy(mailbox.dovecot.port)
    proxy.cut_after_bytes = 60  # every session dies in the greeting
    listener, stop, changes = _listen(mailbox, proxy.port, check_seconds=0.1, backoff_first_seconds=0.05)
    try:
        # the listener keeps trying, waiting longer each time
        assert _wait_for(lambda: listener.attempts >= 3)
        assert (listener.connections, changes) == (0, [])
        # when the server is reachable again, it connects and catches up
        proxy.cut_after_bytes = None
        assert _wait_for(lambda: len(changes) == 1)
        assert listener.connections == 1
    finally:
        stop.set()
        proxy.close()

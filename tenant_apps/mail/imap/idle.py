"""IMAP IDLE on one folder: call back when the server says something changed; re-issue IDLE before the 29-minute
limit (RFC 2177), reconnect with exponential backoff. Holds no database connection: the callback does the sync."""

from __future__ import annotations

import imaplib
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient

from tenant_apps.mail.imap.connection import MailServerError, ServerSettings, imap_close, imap_connect

logger = logging.getLogger(__name__)

# Servers may drop an IDLE after 30 minutes (RFC 2177 asks clients to re-issue at least every 29).
IDLE_REISSUE_SECONDS = 25 * 60
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 5 * 60
CHANGE_RESPONSES = {b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED"}


class IdleListener:
    def __init__(
        self,
        server: ServerSettings,
        *,
        on_change: Callable[[], None],
        stop: threading.Event,
        folder: str = "INBOX",
        reissue_seconds: float = IDLE_REISSUE_SECONDS,
        check_seconds: float = 1.0,
        connect: Callable[[ServerSettings], IMAPClient] = imap_connect,
        backoff_first_seconds: float = BACKOFF_FIRST_SECONDS,
    ) -> None:
        self.server = server
        self.on_change = on_change
        self.stop = stop
        self.folder = folder
        self.reissue_seconds = reissue_seconds
        self.check_seconds = check_seconds
        self.connect = connect
        self.backoff_first_seconds = backoff_first_seconds
        self.attempts = 0
        self.connections = 0
        self.idle_commands = 0

    def run(self) -> None:
        """Until `stop` is set: connect, catch up once, then IDLE; on any failure wait (backoff) and reconnect."""
        backoff = self.backoff_first_seconds
        while not self.stop.is_set():
            self.attempts += 1
            try:
                client = self.connect(self.server)
            except MailServerError as problem:
                logger.warning("IDLE: cannot connect: %s", problem.message)
            else:
                self.connections += 1
                try:
                    client.select_folder(self.folder, readonly=True)
                    backoff = self.backoff_first_seconds
                    self._notify()  # mail that came while we were away
                    self._idle_until_stopped(client)
                except (imaplib.IMAP4.error, OSError, EOFError) as exc:
                    logger.warning("IDLE on %s:%s dropped: %s", self.server.host, self.server.port, exc)
                finally:
                    imap_close(client)
            if self.stop.is_set():
                break
            self.stop.wait(backoff * random.uniform(1.0, 1.5))
            backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)

    def _notify(self) -> None:
        try:
            self.on_change()
        except Exception:
            # The sync reports its own problems; IDLE goes on either way.
            logger.exception("IDLE: the change callback failed")

    def _idle_until_stopped(self, client: IMAPClient) -> None:
        while not self.stop.is_set():
            client.idle()
            self.idle_commands += 1
            started = time.monotonic()
            changed = False
            while not self.stop.is_set() and time.monotonic() - started < self.reissue_seconds:
                if _changes_in(client.idle_check(timeout=self.check_seconds)):
                    changed = True
                    break
            # What arrives while IDLE ends comes with the DONE's answer; it counts as well.
            _, responses = client.idle_done()
            if changed or _changes_in(responses):
                self._notify()


def _changes_in(responses: list[Any]) -> bool:
    return any(isinstance(item, tuple) and len(item) > 1 and item[1] in CHANGE_RESPONSES for item in responses)

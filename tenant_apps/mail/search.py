"""Building the full-text search rows of synced messages (MailMessageSearch), in the batch's transaction or, during
a folder's initial sync in worker processes, on a second connection while the next batches are written.

PostgreSQL builds the vector (to_tsvector, about half of the writing backend's CPU in the initial sync) from the
stored columns, so the words are exactly those a query finds. A batch written by the sync tells the trigger of
migration 0007 to leave its rows alone (`search_deferred`) and builds them here instead.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django_tenants.utils import schema_context

from tenant_apps.mail.models import SEARCH_BODY_CHARS, MailMessage, MailMessageSearch
from tenants.db import connection

logger = logging.getLogger(__name__)

# The same expression as the trigger of migration 0007 (and the generated column before it).
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(message.subject, '')), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, COALESCE(message.participants, '')), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, "
    f"COALESCE(LEFT(message.text_body, {SEARCH_BODY_CHARS}), '')), 'C')"
)


@contextmanager
def search_deferred() -> Iterator[None]:
    """Messages inserted in this block get no search row from the trigger: the caller builds them. Set for the
    transaction (SET LOCAL) and turned off again at the end of the block, so that inside an outer transaction
    later inserts get theirs; on an exception the rollback undoes it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL atrium.mail_search_deferred = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL atrium.mail_search_deferred = 'off'")


def search_rows_build(*, message_ids: list[int]) -> int:
    """Build the search rows of these messages (stored, or inserted earlier in this transaction)."""
    if not message_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MailMessageSearch._meta.db_table} (message_id, search_vector)
            SELECT message.id, {SEARCH_VECTOR_SQL} FROM {MailMessage._meta.db_table} AS message
            WHERE message.id = ANY(%s)
            ON CONFLICT (message_id) DO NOTHING
            """,  # noqa: S608 - table names and the expression are ours
            [message_ids],
        )
        return int(cursor.rowcount)


def search_rows_missing_build(*, folder_id: int) -> int:
    """Build the rows a folder's messages lack: after a sync cut between a batch's commit and its search rows (the
    process ended), or a second connection that failed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MailMessageSearch._meta.db_table} (message_id, search_vector)
            SELECT message.id, {SEARCH_VECTOR_SQL} FROM {MailMessage._meta.db_table} AS message
            WHERE message.folder_id = %s
              AND NOT EXISTS (
                SELECT 1 FROM {MailMessageSearch._meta.db_table} AS search WHERE search.message_id = message.id
              )
            ON CONFLICT (message_id) DO NOTHING
            """,  # noqa: S608 - table names and the expression are ours
            [folder_id],
        )
        return int(cursor.rowcount)


class SearchBuilder:
    """Builds the search rows of committed batches on a connection of its own (a thread), so that PostgreSQL
    computes them in a second backend while the syncing connection writes the next batches: the initial sync's
    writes are one serial chain, and the search vector was half of it. `finish` waits for the last rows, so a
    folder is searchable when its sync ends, as before.

    Only for batches that commit on their own: inside an outer transaction another connection sees nothing, and
    the sync builds the rows in the batch's transaction instead.
    """

    def __init__(self, *, schema_name: str) -> None:
        self.schema_name = schema_name
        self.committed: queue.SimpleQueue[list[int] | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="mail-search-builder", daemon=True)
        self.thread.start()

    def batch_committed(self, message_ids: list[int]) -> None:
        self.committed.put(message_ids)

    def finish(self) -> None:
        """Wait until every batch handed over has its rows; a failure is logged (the folder's catch-up, which runs
        next on the syncing connection, builds what is missing)."""
        self.committed.put(None)
        self.thread.join()
        if self.error is not None:
            logger.warning("search rows on the second connection failed: %s", self.error)

    def _run(self) -> None:
        finished = False
        try:
            with schema_context(self.schema_name):
                while not finished:
                    message_ids: list[int] = []
                    item = self.committed.get()
                    # What came meanwhile goes into the same statement.
                    while True:
                        if item is None:
                            finished = True
                        else:
                            message_ids.extend(item)
                        if finished or self.committed.empty():
                            break
                        item = self.committed.get()
                    search_rows_build(message_ids=message_ids)
        except BaseException as exc:  # noqa: BLE001 - reported by finish(); the folder's catch-up repairs
            self.error = exc
            while not finished:
                finished = self.committed.get() is None
        finally:
            connections.close_all()

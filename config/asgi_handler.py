"""Django's ASGI handler with the whole synchronous part of a request in one call, on one of a fixed set of threads.

Django's own ASGIHandler builds the middleware chain in async mode. Our routing, observability and read-only
middleware are synchronous (django-tenants keeps the search_path on the thread's connection, so routing must
run in the thread that runs the view), so Django adapts the chain at every mode switch: into a thread for the
outer middleware, back to the event loop at the first async-capable one, into the thread again for
process_view, the view and each async-mode process_response. Each switch is a thread hand-off. Here the chain
is built in sync mode, exactly as under WSGI, and the event loop enters it once, on the request's thread.

Django also gives every request a thread of its own (a new ThreadSensitiveContext, whose executor starts a new
thread), so a database connection can never outlive its request. Here a request borrows one of ASGI_THREADS
long-lived single-thread executors instead: request_started, the middleware, the view and request_finished
still run on one thread, as Django requires, but the thread and its persistent PostgreSQL connection
(CONN_MAX_AGE) serve request after request, as under a threaded WSGI server. With every thread busy, a new
request waits for one.

Django's handle() also hops into the thread three times per request (request_started, the response, the
response's close, which sends request_finished) and runs a second task listening for the client's disconnect,
which cannot stop a synchronous view anyway. Here one hop does request_started, the request, the view and, for
a response whose body is already in memory (all but streaming and file responses), its close; the event loop
then only sends the bytes. A streaming response is closed after it was sent, in a second hop, as Django does.

The hop itself is the event loop's own `run_in_executor`, with the request's code run in a copy of the caller's
context, not asgiref's `sync_to_async`: that wraps each call in layers this handler does not need (it looks up
the thread-sensitive context, keeps a per-thread record of the event loop, and copies every context variable
back into the caller when the call returns; a request's context changes are of no use once it answered), and
under load they cost about as much CPU as the hop itself. The connections stay per thread (Django keeps them in
a thread-critical Local); time zone, language and URLconf overrides live in the copied context and end with it.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import get_resolver, set_script_prefix

DEFAULT_THREADS = 4

T = TypeVar("T")


def request_threads() -> int:
    raw = os.environ.get("ASGI_THREADS", "").strip()
    return int(raw) if raw else DEFAULT_THREADS


def heap_freeze() -> None:
    """Move everything the worker holds once it has loaded (modules, settings, URL maps: about 150,000 objects)
    out of the cyclic garbage collector's sight.

    Under load, objects of the requests in flight outlive the youngest generation's collections and are promoted
    to the oldest; every few seconds that starts a full collection, which traverses the whole heap: about 100 ms
    of CPU with the GIL held, ten times in a 45 s run of bench/load.py per worker. Frozen objects are never
    traversed (they stay alive for the worker's life anyway), so a full collection looks at what requests left
    behind only (10 to 15 ms). Garbage is collected first, so none of it is frozen for good."""
    gc.collect()
    gc.freeze()


def urlconfs_load() -> None:
    """Import both URLconfs, with every view module they name, and build their route maps now, as the worker
    starts: otherwise the first request each worker serves pays for it (about a second of CPU) and waits."""
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).reverse_dict  # noqa: B018 - built on first access


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads or request_threads()
        self._executors: list[ThreadPoolExecutor] = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"atrium-request-{number}")
            for number in range(self.threads)
        ]
        # Made on first use, inside the server's event loop.
        self._idle: asyncio.Queue[ThreadPoolExecutor] | None = None

    def load_middleware(self, is_async: bool = False) -> None:
        # The chain is synchronous whatever Django asks for: get_response_async enters it once.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            idle = self._idle_executors()
            executor = await idle.get()
            try:
                set_script_prefix(get_script_prefix(scope))
                response = await _on_thread(executor, self._respond, scope, body_file)
                try:
                    await self.send_response(response, send)
                finally:
                    if response.streaming:
                        await _on_thread(executor, response.close)
            finally:
                idle.put_nowait(executor)
        finally:
            body_file.close()

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """The synchronous part of a request, on its thread; a response held in memory leaves already closed."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # noqa: S101 - create_request returns one or the other
            response = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    def _idle_executors(self) -> asyncio.Queue[ThreadPoolExecutor]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for executor in self._executors:
                self._idle.put_nowait(executor)
        return self._idle

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


async def _on_thread(executor: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` on the executor's thread, in a copy of this task's context; its result or its exception."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(executor, context.run, function, *args)

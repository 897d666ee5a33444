"""The ASGI entry point (config/asgi.py): one synchronous middleware chain, entered once per request, and
requests to two companies interleaved on one worker never see each other's schema."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from inspect import iscoroutinefunction
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from config.asgi_handler import SyncChainASGIHandler
from shared_apps.billing.middleware import TenantReadOnlyMiddleware
from shared_apps.common.testing import TestTenant

ROOT = Path(__file__).resolve().parents[2]


def test_middleware_chain_is_built_in_one_mode() -> None:
    # Given the handler gunicorn's workers serve
    handler = SyncChainASGIHandler()

    # Then the chain and the view hooks are synchronous: Django adapts no mode switch inside the chain
    chain = vars(handler)["_middleware_chain"]
    view_hooks = vars(handler)["_view_middleware"]
    assert iscoroutinefunction(chain) is False
    assert view_hooks != []
    assert [iscoroutinefunction(hook) for hook in view_hooks] == [False] * len(view_hooks)


async def _get(application: Any, hostname: str, path: str) -> int:
    messages: list[dict[str, Any]] = []
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(60)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", hostname.encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    await application(scope, receive, send)
    return int(next(message["status"] for message in messages if message["type"] == "http.response.start"))


@pytest.mark.django_db(transaction=False)
def test_interleaved_requests_to_two_companies_stay_isolated(
    acme: TestTenant, globex: TestTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a probe just before each view (on the thread that runs it) that reads the connection's real
    # search_path from PostgreSQL, and lingers so that the requests overlap
    seen: list[tuple[str, str, str, int]] = []
    lock = threading.Lock()
    original: Callable[..., Any] = TenantReadOnlyMiddleware.process_view

    def probe(self: TenantReadOnlyMiddleware, request: Any, *args: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            search_path = str(cursor.fetchone()[0])
        time.sleep(0.02)
        with lock:
            seen.append((request.get_host(), request.tenant.schema_name, search_path, threading.get_ident()))
        return original(self, request, *args)

    monkeypatch.setattr(TenantReadOnlyMiddleware, "process_view", probe)
    # Each request's thread closes its connection when the request finishes (the test's own connection is the
    # main thread's, inside the test transaction; the request threads' connections must not outlive the test).
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    application = SyncChainASGIHandler(threads=4)
    hosts = [acme.hostname, globex.hostname] * 10

    # When twenty requests alternate between the two companies concurrently on one event loop
    async def run() -> list[int]:
        return list(await asyncio.gather(*(_get(application, host, "/healthz") for host in hosts)))

    statuses = asyncio.run(run())

    # Then every request reached its own company's schema and nothing else
    schema_of = {acme.hostname: acme.schema_name, globex.hostname: globex.schema_name}
    assert statuses == [200] * 20
    assert sorted(host for host, _, _, _ in seen) == sorted(hosts)
    assert [(schema, search_path.split(",")[0].strip()) for host, schema, search_path, _ in seen] == [
        (schema_of[host], schema_of[host]) for host, _, _, _ in seen
    ]
    # And they did overlap: more than one thread served them
    assert len({thread for _, _, _, thread in seen}) > 1


@pytest.mark.django_db(transaction=False)
def test_requests_reuse_a_fixed_set_of_threads_and_their_connections(
    acme: TestTenant, globex: TestTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a handler with two request threads whose connections persist between requests, as in production
    # (CONN_MAX_AGE), and a probe that notes each request's thread and PostgreSQL backend
    seen: list[tuple[str, str, int, int]] = []
    lock = threading.Lock()
    original: Callable[..., Any] = TenantReadOnlyMiddleware.process_view

    def probe(self: TenantReadOnlyMiddleware, request: Any, *args: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_schema()")
            backend, schema = cursor.fetchone()
        time.sleep(0.01)
        with lock:
            seen.append((request.tenant.schema_name, str(schema), threading.get_ident(), int(backend)))
        return original(self, request, *args)

    monkeypatch.setattr(TenantReadOnlyMiddleware, "process_view", probe)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    application = SyncChainASGIHandler(threads=2)
    hosts = [acme.hostname, globex.hostname] * 8

    # When sixteen requests to two companies arrive at once
    async def run() -> list[int]:
        return list(await asyncio.gather(*(_get(application, host, "/healthz") for host in hosts)))

    try:
        statuses = asyncio.run(run())
    finally:
        _close_request_thread_connections(application)

    # Then two threads served them all, each keeping one PostgreSQL connection, and each request saw its own schema
    assert statuses == [200] * 16
    assert len(seen) == 16
    assert len({thread for _, _, thread, _ in seen}) == 2
    backends_by_thread = {thread: {b for _, _, t, b in seen if t == thread} for _, _, thread, _ in seen}
    assert [len(backends) for backends in backends_by_thread.values()] == [1, 1]
    assert all(schema == current for schema, current, _, _ in seen)


def _close_request_thread_connections(application: SyncChainASGIHandler) -> None:
    from django.db import connections

    for executor in application._executors:
        executor.submit(connections.close_all).result()
        executor.shutdown()


def test_requests_share_one_redis_client() -> None:
    # Given two request contexts, each with the cache backend Django makes for it
    import contextvars

    from django.core.cache import caches
    from django_redis import get_redis_connection

    def client_of_a_new_request() -> Any:
        return contextvars.Context().run(lambda: caches["default"].client.get_client())  # type: ignore[attr-defined]

    first, second = client_of_a_new_request(), client_of_a_new_request()

    # Then both use the process's one client (and its pool), as get_redis_connection does
    assert first is second
    assert get_redis_connection("default") is first
    assert first.ping() is True


@pytest.mark.django_db(transaction=False)
def test_a_request_runs_on_one_thread_and_ends_before_its_bytes_leave(
    acme: TestTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given receivers of request_started and request_finished, and a view probe, noting their thread and order
    from django.core import signals

    events: list[tuple[str, int]] = []

    def started(**kwargs: Any) -> None:
        events.append(("started", threading.get_ident()))

    def finished(**kwargs: Any) -> None:
        events.append(("finished", threading.get_ident()))

    original: Callable[..., Any] = TenantReadOnlyMiddleware.process_view

    def probe(self: TenantReadOnlyMiddleware, request: Any, *args: Any) -> Any:
        events.append(("view", threading.get_ident()))
        return original(self, request, *args)

    monkeypatch.setattr(TenantReadOnlyMiddleware, "process_view", probe)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    application = SyncChainASGIHandler(threads=1)
    sent_at: list[int] = []
    real_send = application.send_response

    async def send_response(response: Any, send: Any) -> None:
        sent_at.append(len(events))
        await real_send(response, send)

    monkeypatch.setattr(application, "send_response", send_response)

    # When one request is served
    try:
        status = asyncio.run(_get(application, acme.hostname, "/healthz"))
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
        _close_request_thread_connections(application)

    # Then started, the view and finished ran in that order on one request thread, all before the response was sent
    assert status == 200
    assert [name for name, _ in events] == ["started", "view", "finished"]
    assert len({thread for _, thread in events}) == 1
    assert events[0][1] != threading.get_ident()
    assert sent_at == [3]


@pytest.mark.django_db(transaction=False)
def test_what_a_request_changes_in_its_context_ends_with_it(acme: TestTenant, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given one request thread, and a probe that notes the active time zone and, on the first request only,
    # activates another one (as a view that honours a user's time zone would)
    from django.utils import timezone

    seen: list[tuple[str, int]] = []
    original: Callable[..., Any] = TenantReadOnlyMiddleware.process_view

    def probe(self: TenantReadOnlyMiddleware, request: Any, *args: Any) -> Any:
        seen.append((timezone.get_current_timezone_name(), threading.get_ident()))
        if len(seen) == 1:
            timezone.activate("Asia/Tokyo")
        return original(self, request, *args)

    monkeypatch.setattr(TenantReadOnlyMiddleware, "process_view", probe)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    application = SyncChainASGIHandler(threads=1)

    # When two requests follow each other on that thread
    async def run() -> list[int]:
        return [await _get(application, acme.hostname, "/healthz") for _ in range(2)]

    try:
        statuses = asyncio.run(run())
    finally:
        _close_request_thread_connections(application)

    # Then the second started from the default time zone, not from what the first left behind
    assert statuses == [200, 200]
    assert [zone for zone, _ in seen] == [timezone.get_default_timezone_name()] * 2
    assert seen[0][1] == seen[1][1]


def test_the_worker_freezes_what_it_loaded() -> None:
    # When a process loads the application as a gunicorn worker does
    script = (
        "import gc; before = gc.get_freeze_count(); import config.asgi; "
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))"
    )
    loaded = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, check=True
    )

    # Then what it loaded (modules, settings, URL maps) is out of the garbage collector's sight, and little is left
    before, frozen, tracked = (int(number) for number in loaded.stdout.split())
    assert before == 0
    assert frozen > 50_000
    assert tracked < frozen / 5

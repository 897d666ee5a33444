"""The web worker's protocol writes a response's head and body to the socket in one write (config/web_worker.py).

A real uvicorn server with the worker's protocol, on a loopback port, answers real HTTP requests; what reaches the
socket is recorded by a transport in between that passes every write on to the real one.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn

from config.web_worker import HELD_BYTES_MAX, JoinedWritesHttpToolsProtocol, JoinedWritesTransport

SMALL_BODY = b'{"ok":true}'
CHUNK = b"x" * 100_000
CHUNKS = 5


class RecordingTransport:
    """Passes everything to the real transport and notes each write that reached it."""

    def __init__(self, transport: asyncio.Transport, writes: list[bytes]) -> None:
        self._transport = transport
        self.writes = writes

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"  # noqa: S101 - no lifespan: the server below turns it off
    await receive()
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for _ in range(CHUNKS):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(SMALL_BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": SMALL_BODY, "more_body": False})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serve_and(client: Any) -> tuple[Any, list[list[bytes]]]:
    """Run `client(port)` against a real uvicorn with the worker's protocol; its result and each connection's writes."""
    connections: list[list[bytes]] = []

    class Recorded(JoinedWritesHttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            writes: list[bytes] = []
            connections.append(writes)
            recording: Any = RecordingTransport(transport, writes)
            super().connection_made(recording)

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, http=Recorded, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started
        result = await client(port)
    finally:
        server.should_exit = True
        await serving
    return result, connections


async def _exchange(port: int, path: str, requests: int = 1) -> list[bytes]:
    """Send `requests` GETs of `path` on one kept-alive connection; each raw response as received."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=4 * 1024 * 1024)
    answers = []
    try:
        for _ in range(requests):
            writer.write(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if b"transfer-encoding: chunked" in head:
                body = await reader.readuntil(b"\r\n0\r\n\r\n")
            else:
                length = int(head.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
                body = await reader.readexactly(length)
            answers.append(head + body)
    finally:
        writer.close()
        await writer.wait_closed()
    return answers


def test_a_small_response_reaches_the_socket_in_one_write() -> None:
    # Given uvicorn with the worker's protocol, When a client asks three times on one connection
    answers, connections = asyncio.run(_serve_and(lambda port: _exchange(port, "/", requests=3)))

    # Then each answer arrived whole, and each was one write of head and body together
    assert len(answers) == 3
    assert all(
        answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\n" + SMALL_BODY) for answer in answers
    )
    assert len(connections) == 1
    assert connections[0] == answers


def test_a_large_streamed_body_is_passed_on_at_once_and_in_order() -> None:
    # Given a response streamed in chunks larger than what is ever held
    assert len(CHUNK) > HELD_BYTES_MAX

    # When a client asks for it
    answers, connections = asyncio.run(_serve_and(lambda port: _exchange(port, "/stream")))

    # Then every byte arrived in order, and nothing larger than one chunk (with its framing and the head) was held
    head, _, body = answers[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    expected = b"".join(b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n" for _ in range(CHUNKS)) + b"0\r\n\r\n"
    assert body == expected
    writes = connections[0]
    assert b"".join(writes) == answers[0]
    assert len(writes) >= CHUNKS
    assert max(len(write) for write in writes) < len(CHUNK) + HELD_BYTES_MAX


async def _joined_pair() -> tuple[JoinedWritesTransport, asyncio.Transport, socket.socket]:
    """A JoinedWritesTransport over one end of a real socket pair, its transport, and the other end (non-blocking)."""
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours)
    theirs.setblocking(False)
    return JoinedWritesTransport(transport, loop), transport, theirs


@pytest.mark.parametrize("ending", ["close", "write_eof"])
def test_what_is_held_is_written_before_the_connection_ends(ending: str) -> None:
    async def scenario() -> bytes:
        loop = asyncio.get_running_loop()
        joined, transport, theirs = await _joined_pair()
        # Given two writes held in this turn of the loop
        joined.write(b"head\r\n\r\n")
        joined.write(b"body")
        assert joined.get_write_buffer_size() >= len(b"head\r\n\r\nbody")
        # When the connection ends before the loop turns
        getattr(joined, ending)()
        received = b""
        while True:
            chunk = await loop.sock_recv(theirs, 1024)
            if not chunk:
                break
            received += chunk
        transport.close()
        theirs.close()
        return received

    # Then the peer got both, in order, then the end of the stream
    assert asyncio.run(scenario()) == b"head\r\n\r\nbody"


def test_what_is_held_is_dropped_when_the_connection_is_aborted() -> None:
    async def scenario() -> bytes:
        joined, _, theirs = await _joined_pair()
        joined.write(b"never sent")
        joined.abort()
        await asyncio.sleep(0)
        received = await asyncio.get_running_loop().sock_recv(theirs, 1024)
        theirs.close()
        return received

    assert asyncio.run(scenario()) == b""

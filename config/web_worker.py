"""The web worker: uvicorn's, listening on WEB_BIND with a socket of its own (SO_REUSEPORT).

Workers that share one listening socket do not share the connections. A worker busy with requests runs its event
loop without sleeping, so it sees a new connection first and accepts it (asyncio accepts every pending one at
once); the idle worker, asleep in epoll, loses the race. nginx keeps its upstream connections alive, so the
busiest worker ends up holding nearly all of them and serves the load on one core while the other workers wait
(seen in bench/load.py: 78 of 81 connections on one of two workers, half the throughput of an even split).

With SO_REUSEPORT each worker has its own listening socket on the same address and the kernel hands every new
connection to one of them by a hash of its addresses, so connections spread evenly whoever is busy. gunicorn's
own listener is then only a private Unix socket nobody connects to (deploy/gunicorn.conf.py): it must not be on
WEB_BIND, or it would take its share of connections and never accept them.

A second server of the same user could join the group too and silently take half the connections, where a plain
bind fails: gunicorn checks that the address is free when it starts (address_free_ensure), as it would have by
binding it.

**One write per response.** uvicorn writes a response's status line and headers, then its body, each with a
`transport.write` of its own: two `send` system calls, two TCP segments and two wake-ups of nginx for a response
of a few hundred bytes (6 % of a worker's time in bench/load.py). The worker's protocol hands uvicorn a transport
that holds small writes until the event loop's next turn and passes them on joined, in one write. A write that
would make the held bytes exceed HELD_BYTES_MAX goes out at once, with whatever was held before it (in order), so
a large or streamed body is never held back and the socket's flow control sees it as before; closing, aborting or
ending the stream first writes what is held.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

from gunicorn.util import parse_address
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker

DEFAULT_BIND = "0.0.0.0:8000"
# Writes are held, and joined, up to this many bytes; a larger write is passed on at once.
HELD_BYTES_MAX = 64 * 1024


def _socket_for(bind: str) -> tuple[socket.socket, tuple[str, int]]:
    host, port = parse_address(bind)
    family = socket.AF_INET6 if ":" in str(host) else socket.AF_INET
    return socket.socket(family, socket.SOCK_STREAM), (str(host), int(port))


def address_free_ensure(bind: str) -> None:
    """Exit with a clear message when something (another Atrium, say) listens on `bind` already."""
    probe, address = _socket_for(bind)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        raise SystemExit(f"WEB_BIND {bind} cannot be used: {exc.strerror or exc}") from None
    finally:
        probe.close()


def reuse_port_listener(bind: str, backlog: int) -> socket.socket:
    """A listening TCP socket on `bind` ("host:port", "[v6]:port") in the address's SO_REUSEPORT group."""
    listener, address = _socket_for(bind)
    if address[1] == 0:
        listener.close()
        raise SystemExit(f"WEB_BIND needs a fixed port with a listener per worker, got {bind!r}")
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(address)
        listener.listen(backlog)
    except OSError:
        listener.close()
        raise
    listener.setblocking(False)
    return listener


class JoinedWritesTransport:
    """A transport whose small writes of one turn of the event loop reach the socket as one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        size = len(data)
        if self._held_bytes + size > HELD_BYTES_MAX:
            self._held.append(bytes(data))
            self.flush()
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._held_bytes += size

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Pass what is held to the socket (nothing once the connection is closing: it would be dropped anyway)."""
        held = self._held
        if not held:
            return
        self._held = []
        self._held_bytes = 0
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def get_write_buffer_size(self) -> int:
        return self._held_bytes + self._transport.get_write_buffer_size()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held = []
        self._held_bytes = 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        # Everything else (is_closing, get_extra_info, pause_reading, set_protocol...) is the socket's own.
        return getattr(self._transport, name)


class JoinedWritesHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing through a JoinedWritesTransport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        joined: Any = JoinedWritesTransport(transport, self.loop)
        super().connection_made(joined)


class ReusePortUvicornWorker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {"loop": "auto", "http": f"{__name__}:JoinedWritesHttpToolsProtocol"}

    def init_process(self) -> None:
        # Before uvicorn starts serving: gunicorn's inherited listener (the private Unix socket) is not served.
        inherited: list[Any] = self.sockets  # type: ignore[has-type]  # gunicorn has no annotations
        for listener in inherited:
            listener.close()
        bind = os.environ.get("WEB_BIND", "").strip() or DEFAULT_BIND
        self.sockets = [reuse_port_listener(bind, self.cfg.backlog)]
        super().init_process()

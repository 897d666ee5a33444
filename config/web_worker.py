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
"""

from __future__ import annotations

import os
import socket
from typing import Any

from gunicorn.util import parse_address
from uvicorn_worker import UvicornWorker

DEFAULT_BIND = "0.0.0.0:8000"


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


class ReusePortUvicornWorker(UvicornWorker):
    def init_process(self) -> None:
        # Before uvicorn starts serving: gunicorn's inherited listener (the private Unix socket) is not served.
        inherited: list[Any] = self.sockets  # type: ignore[has-type]  # gunicorn has no annotations
        for listener in inherited:
            listener.close()
        bind = os.environ.get("WEB_BIND", "").strip() or DEFAULT_BIND
        self.sockets = [reuse_port_listener(bind, self.cfg.backlog)]
        super().init_process()

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
"""

from __future__ import annotations

import os
import socket
from typing import Any

from gunicorn.util import parse_address
from uvicorn_worker import UvicornWorker

DEFAULT_BIND = "0.0.0.0:8000"


def reuse_port_listener(bind: str, backlog: int) -> socket.socket:
    """A listening TCP socket on `bind` ("host:port", "[v6]:port") in the address's SO_REUSEPORT group."""
    host, port = parse_address(bind)
    if port == 0:
        raise SystemExit(f"WEB_BIND needs a fixed port with a listener per worker, got {bind!r}")
    family = socket.AF_INET6 if ":" in str(host) else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
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

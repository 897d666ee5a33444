"""A real HTTP receiver on loopback for webhook tests: records every request's path, headers and exact body, and
answers with the status (and delay, and Location) the test sets."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    answer: bytes = b"ok"
    delay_seconds: float = 0.0
    location: str = ""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/atrium"


def _handler_for(receiver_ref: list[Receiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            receiver = receiver_ref[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            time.sleep(receiver.delay_seconds)
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        do_GET = do_POST  # noqa: N815 - a followed redirect would arrive as GET

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            return

    return Handler


def receiver_start() -> Receiver:
    reference: list[Receiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(reference))
    server.daemon_threads = True
    receiver = Receiver(server=server)
    reference.append(receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


def receiver_stop(receiver: Receiver) -> None:
    receiver.server.shutdown()
    receiver.server.server_close()

"""A loopback TCP proxy in front of Dovecot that cuts every connection after a chosen number of bytes from the
server: an IMAP session dropped mid-greeting, mid-LIST, mid-FETCH, wherever the count lands."""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttingProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.cut_after_bytes: int | None = None
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.target, timeout=10)
        limit = self.cut_after_bytes
        done = threading.Event()

        def close_both() -> None:
            done.set()
            for end in (client, upstream):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    end.close()

        def client_to_server() -> None:
            with contextlib.suppress(OSError):
                while not done.is_set():
                    data = client.recv(65536)
                    if not data:
                        break
                    upstream.sendall(data)
            close_both()

        threading.Thread(target=client_to_server, daemon=True).start()
        sent = 0
        with contextlib.suppress(OSError):
            while not done.is_set():
                data = upstream.recv(65536)
                if not data:
                    break
                if limit is not None and sent + len(data) >= limit:
                    client.sendall(data[: max(0, limit - sent)])
                    self.cuts += 1
                    break
                client.sendall(data)
                sent += len(data)
        close_both()

"""A loopback TCP proxy in front of Dovecot whose first session is ended by a chosen untagged BYE as soon as the
client selects a folder: what Outlook does when an OAuth2 session outlives its access token."""

from __future__ import annotations

import contextlib
import socket
import threading

from tenant_apps.mail.tests.test_bad_servers import LoopbackServer


class ByeProxy:
    def __init__(self, target_port: int, bye_line: bytes) -> None:
        self.target = ("127.0.0.1", target_port)
        self.bye_line = bye_line
        self.byes_sent = 0
        self._server = LoopbackServer(self._serve)
        self.port = self._server.port

    def close(self) -> None:
        self._server.close()

    def _serve(self, client: socket.socket) -> None:
        end_it = self._server.connections == 1
        upstream = socket.create_connection(self.target, timeout=10)

        def close_both() -> None:
            for end in (client, upstream):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    end.close()

        def server_to_client() -> None:
            with contextlib.suppress(OSError):
                while data := upstream.recv(65536):
                    client.sendall(data)
            close_both()

        threading.Thread(target=server_to_client, daemon=True).start()
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if end_it and (b" SELECT " in data.upper() or b" EXAMINE " in data.upper()):
                    self.byes_sent += 1
                    client.sendall(self.bye_line)
                    break
                upstream.sendall(data)
        close_both()

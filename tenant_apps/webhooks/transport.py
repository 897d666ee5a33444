"""One HTTP POST to a receiver: the address checked before connecting (no private, loopback or link-local targets
unless allowed), the connection pinned to that checked address, a timeout, and redirects never followed."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

RESPONSE_EXCERPT_BYTES = 1024


class TargetRefused(Exception):
    """The URL may not be called (scheme, or an address inside a private network)."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return True
    return ip.is_global and not ip.is_multicast


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_check(url: str) -> None:
    """Refuse what is never sent (so an admin learns it when saving): other schemes, plain http off loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused("The URL must start with https://.")
    if parts.scheme == "http" and not (settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and _is_loopback(parts.hostname)):
        raise TargetRefused("The URL must start with https:// (http:// only to this machine, in development).")
    if parts.username or parts.password:
        raise TargetRefused("The URL may not carry a user name or password.")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not _address_allowed(str(literal)):
        raise TargetRefused("The URL points into a private network.")


def _resolve(host: str, port: int) -> str:
    """The first address of `host`; every address it resolves to must be allowed (no mixing in a private one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConnectionError(f"cannot resolve {host}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(_address_allowed(address) for address in addresses):
        raise TargetRefused("The URL points into a private network.")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST once. Raises TargetRefused, or OSError when the receiver is unreachable, slow or speaks no HTTP."""
    url_check(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _resolve(host, port)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES)
        return Answer(status=response.status, excerpt=excerpt.decode("utf-8", errors="replace"))
    except http.client.HTTPException as exc:
        raise ConnectionError(f"the receiver broke the HTTP exchange: {type(exc).__name__}") from None
    finally:
        connection.close()

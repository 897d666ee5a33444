"""A DNS TXT lookup with the standard library (RFC 1035 wire format over UDP, TCP when the answer is truncated).

Custom domains are verified by a TXT record the company publishes; the resolvers asked are
CUSTOM_DOMAIN_DNS_SERVERS, or the system's (/etc/resolv.conf) when that is empty.
"""

from __future__ import annotations

import secrets
import socket
import struct
from pathlib import Path

from django.conf import settings

TYPE_TXT = 16
CLASS_IN = 1
RCODE_NXDOMAIN = 3
FLAG_TRUNCATED = 0x0200
FLAG_RECURSION_DESIRED = 0x0100
RESOLV_CONF = Path("/etc/resolv.conf")


class DnsError(Exception):
    """No resolver gave a usable answer (unreachable, timed out, refused, malformed)."""


def dns_servers() -> list[tuple[str, int]]:
    """The resolvers to ask: CUSTOM_DOMAIN_DNS_SERVERS (host or host:port, comma separated), else resolv.conf's."""
    configured = list(settings.CUSTOM_DOMAIN_DNS_SERVERS)
    if not configured and RESOLV_CONF.exists():
        configured = [
            line.split()[1]
            for line in RESOLV_CONF.read_text().splitlines()
            if line.startswith("nameserver") and len(line.split()) > 1
        ]
    servers = []
    for entry in configured:
        host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "53")
        servers.append((host, int(port or 53)))
    return servers


def _query(name: str, query_id: int) -> bytes:
    header = struct.pack("!HHHHHH", query_id, FLAG_RECURSION_DESIRED, 1, 0, 0, 0)
    labels = b"".join(bytes([len(label)]) + label for label in (part.encode("ascii") for part in name.split(".")))
    return header + labels + b"\x00" + struct.pack("!HH", TYPE_TXT, CLASS_IN)


def _skip_name(message: bytes, offset: int) -> int:
    while True:
        length = message[offset]
        if length & 0xC0 == 0xC0:  # a compression pointer ends the name
            return offset + 2
        if length == 0:
            return offset + 1
        offset += 1 + length


def _txt_strings(rdata: bytes) -> str:
    parts, offset = [], 0
    while offset < len(rdata):
        length = rdata[offset]
        parts.append(rdata[offset + 1 : offset + 1 + length])
        offset += 1 + length
    return b"".join(parts).decode("utf-8", errors="replace")


def _parse(message: bytes, query_id: int) -> tuple[list[str], bool]:
    """(TXT values, truncated) of an answer to our query."""
    answer_id, flags, questions, answers, _, _ = struct.unpack("!HHHHHH", message[:12])
    if answer_id != query_id:
        raise DnsError("the resolver answered another query")
    if flags & FLAG_TRUNCATED:
        return [], True
    rcode = flags & 0x000F
    if rcode == RCODE_NXDOMAIN:
        return [], False
    if rcode != 0:
        raise DnsError(f"the resolver refused the query (rcode {rcode})")
    offset = 12
    for _ in range(questions):
        offset = _skip_name(message, offset) + 4
    values = []
    for _ in range(answers):
        offset = _skip_name(message, offset)
        record_type, record_class, _, length = struct.unpack("!HHIH", message[offset : offset + 10])
        offset += 10
        if record_type == TYPE_TXT and record_class == CLASS_IN:
            values.append(_txt_strings(message[offset : offset + length]))
        offset += length
    return values, False


def _ask_udp(server: tuple[str, int], query: bytes, timeout: float) -> bytes:
    with socket.socket(socket.AF_INET6 if ":" in server[0] else socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query, server)
        return sock.recv(65535)


def _ask_tcp(server: tuple[str, int], query: bytes, timeout: float) -> bytes:
    with socket.create_connection(server, timeout=timeout) as sock:
        sock.sendall(struct.pack("!H", len(query)) + query)
        expected = struct.unpack("!H", _read_exactly(sock, 2))[0]
        return _read_exactly(sock, expected)


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise DnsError("the resolver closed the connection")
        data += chunk
    return data


def txt_records(name: str, *, timeout: float = 3.0) -> list[str]:
    """The TXT values of `name` (each record's strings joined); [] when it has none. DnsError when no
    resolver answers."""
    problems = []
    for server in dns_servers():
        query_id = secrets.randbelow(0x10000)
        query = _query(name, query_id)
        try:
            values, truncated = _parse(_ask_udp(server, query, timeout), query_id)
            if truncated:
                values, _ = _parse(_ask_tcp(server, query, timeout), query_id)
            return values
        except (OSError, DnsError, struct.error, IndexError) as exc:
            problems.append(f"{server[0]}:{server[1]}: {exc or type(exc).__name__}")
    raise DnsError("; ".join(problems) or "no DNS resolver is configured")

"""gunicorn's workers each listen on WEB_BIND (SO_REUSEPORT), so kept-alive connections spread over all of them
instead of piling onto the busiest (config/web_worker.py)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from config.web_worker import reuse_port_listener
from deploy.local_stack import GUNICORN_CONFIG, Process, port_free, wait_for_port
from shared_apps.common.testing import database_url

WORKERS = 2
CONNECTIONS = 60


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _tcp_sockets() -> list[tuple[int, int, str, str]]:
    """(local port, remote port, state, inode) of every IPv4 TCP socket on the machine."""
    rows = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        rows.append((local_port, remote_port, fields[3], fields[9]))
    return rows


LISTEN = "0A"
ESTABLISHED = "01"


@pytest.fixture
def gunicorn(tmp_path: Path):
    port = port_free()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(WORKERS),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "PYTHONUNBUFFERED": "1",
    }
    web = Process("gunicorn", [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)], env, tmp_path / "web.log")
    web.start()
    try:
        wait_for_port(port, web)
        yield web, port
    finally:
        web.stop()


def test_every_worker_listens_on_the_address_and_connections_spread_over_them(gunicorn: tuple[Process, int]):
    web, port = gunicorn
    assert web.popen is not None
    # Given a gunicorn with two workers, each with its own listener on WEB_BIND once it has booted
    deadline = time.monotonic() + 60
    while True:
        workers = _children(web.popen.pid)
        listeners = {inode for local, _, state, inode in _tcp_sockets() if local == port and state == LISTEN}
        listening = [pid for pid in workers if _socket_inodes(pid) & listeners]
        if len(listening) == WORKERS or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(workers) == WORKERS, web.log_tail()
    assert sorted(listening) == sorted(workers), f"a worker has no listener on {port}:\n{web.log_tail()}"
    assert len(listeners) == WORKERS  # one each, and none held by the arbiter
    assert not _socket_inodes(web.popen.pid) & listeners

    # When a client keeps many connections open, as nginx does, each answering a request
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(CONNECTIONS)]
    try:
        for connection in connections:
            connection.request("GET", "/healthz", headers={"Host": "localhost"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200
        client_ports = {connection.sock.getsockname()[1] for connection in connections}

        # Then the workers hold them in about equal shares (60 over 2 by a hash: 30 each, rarely under 20)
        server_side = {
            inode: remote
            for local, remote, state, inode in _tcp_sockets()
            if local == port and state == ESTABLISHED and remote in client_ports
        }
        held = Counter({pid: len(_socket_inodes(pid) & server_side.keys()) for pid in workers})
        assert sum(held.values()) == CONNECTIONS
        assert min(held.values()) >= 15, held
    finally:
        for connection in connections:
            connection.close()


def test_a_listener_needs_a_fixed_port():
    with pytest.raises(SystemExit, match="fixed port"):
        reuse_port_listener("127.0.0.1:0", 16)


def test_two_listeners_share_one_address():
    port = port_free()
    first = reuse_port_listener(f"127.0.0.1:{port}", 16)
    try:
        second = reuse_port_listener(f"127.0.0.1:{port}", 16)
        second.close()
        # and a socket without SO_REUSEPORT cannot take the address from them
        plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(OSError, match="in use"):
            plain.bind(("127.0.0.1", port))
        plain.close()
    finally:
        first.close()


def test_gunicorn_refuses_an_address_another_server_listens_on(tmp_path: Path):
    # Given another server on the port (a second Atrium's workers would be in its SO_REUSEPORT group silently)
    port = port_free()
    other = reuse_port_listener(f"127.0.0.1:{port}", 16)
    try:
        env = {**os.environ, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1"}
        # When gunicorn starts on it
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)],
            cwd=GUNICORN_CONFIG.parent.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        other.close()
    # Then it stops at once and says why, instead of sharing the port
    assert result.returncode != 0
    assert f"WEB_BIND 127.0.0.1:{port} cannot be used: Address already in use" in result.stdout + result.stderr

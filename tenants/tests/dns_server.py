"""A real DNS server for tests: Debian's dnsmasq on a loopback port, answering for *.test from given TXT records.

Missing dnsmasq fails the run in CI (apt-get install -y dnsmasq-base) and skips elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping

import pytest

from deploy.local_stack import port_free
from tenants.dns import DnsError, txt_records

PROBE_NAME = "_probe.dns-server.test"


def dnsmasq_binary() -> str:
    binary = shutil.which("dnsmasq") or ("/usr/sbin/dnsmasq" if os.path.exists("/usr/sbin/dnsmasq") else None)
    if binary is None:
        message = "dnsmasq is not installed (apt-get install -y dnsmasq-base)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return binary


class DnsServer:
    """dnsmasq on 127.0.0.1:<port>; `serve` restarts it with a new set of TXT records on the same port."""

    def __init__(self) -> None:
        self.binary = dnsmasq_binary()
        self.port = port_free()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def serve(self, txt: Mapping[str, str]) -> None:
        self.stop()
        records = {PROBE_NAME: "up", **txt}
        self.process = subprocess.Popen(  # noqa: S603 - Debian's dnsmasq with arguments built here
            [
                self.binary,
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                f"--port={self.port}",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--local=/test/",  # answers for *.test itself: NXDOMAIN for names it has no record of
                "--pid-file=",
                *(f"--txt-record={name},{value}" for name, value in records.items()),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        from django.test import override_settings

        deadline = time.monotonic() + 10
        with override_settings(CUSTOM_DOMAIN_DNS_SERVERS=[self.address]):
            while time.monotonic() < deadline:
                try:
                    if txt_records(PROBE_NAME, timeout=0.5) == ["up"]:
                        return
                except DnsError:
                    time.sleep(0.05)
        assert self.process is not None
        self.process.kill()
        raise RuntimeError(f"dnsmasq did not answer: {self.process.communicate()[1].decode(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

"""The production shape on loopback: a private Debian nginx (rendered from deploy/nginx) with TLS in front of
gunicorn + uvicorn workers (deploy/gunicorn.conf.py). Used by the real-nginx tests and by bench/load.py.

Nothing here needs Docker or root: nginx runs with its own prefix, pid, logs and temp paths on free ports.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from deploy.nginx.render import RenderError, render

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
FRONTEND_PLACEHOLDER = ROOT / "deploy" / "frontend-placeholder"


class StackError(RuntimeError):
    pass


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def port_free() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def world_readable_directory(prefix: str) -> Path:
    """A fresh directory nginx's worker user (nobody, when started as root) can enter."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def tls_certificate_make(
    directory: Path, hostnames: Iterable[str], name: str = "server", *, key_readable_by_workers: bool = False
) -> tuple[Path, Path]:
    """A self-signed certificate for `hostnames` (and 127.0.0.1); returns (certificate, key) paths.

    nginx's master reads the main certificate; one chosen per connection (custom domains) is read by a worker,
    which runs as another user when nginx starts as root.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    names = list(hostnames)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(host) for host in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path = directory / f"{name}.crt"
    key_path = directory / f"{name}.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o644 if key_readable_by_workers else 0o600)
    return certificate_path, key_path


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for_port(port: int, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise StackError(f"{process.name} exited at start:\n{process.log_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise StackError(f"{process.name} did not listen on {port} within {timeout:.0f} s:\n{process.log_tail()}")


@dataclass
class Response:
    status: int
    header_list: list[tuple[str, str]]
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """Lowercase names; a repeated header keeps its last value (use `cookies` for Set-Cookie)."""
        return {name.lower(): value for name, value in self.header_list}

    def cookies(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, value in self.header_list:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                found[key.strip()] = cookie.strip()
        return found


class _TlsConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 but says `server_name` in TLS (SNI), as a browser resolving the host would."""

    def __init__(
        self, port: int, server_name: str, context: ssl.SSLContext, source_address: tuple[str, int] | None
    ) -> None:
        super().__init__("127.0.0.1", port, context=context, timeout=30, source_address=source_address)
        self.server_name = server_name
        self.client_address = source_address

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout, self.client_address)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.server_name)  # type: ignore[attr-defined]


@dataclass
class Stack:
    """nginx on HTTP and HTTPS ports in front of gunicorn; `request` speaks to it like a browser would."""

    base_domain: str
    workdir: Path
    http_port: int
    https_port: int
    web_port: int
    certificate: Path
    nginx: Process
    web: Process
    extra: list[Process] = field(default_factory=list)

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.certificate))
        for certificate in (self.workdir / "custom-certificates").glob("*.crt"):
            context.load_verify_locations(cafile=str(certificate))
        return context

    def request(
        self,
        method: str,
        host: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        tls: bool = True,
        source_ip: str | None = None,
        context: ssl.SSLContext | None = None,
    ) -> Response:
        port = self.https_port if tls else self.http_port
        source = (source_ip, 0) if source_ip else None
        connection: http.client.HTTPConnection
        if tls:
            connection = _TlsConnection(port, host, context or self.tls_context(), source)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=source)
        try:
            sent = {"Host": host if port in (80, 443) else f"{host}:{port}", **(headers or {})}
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def origin(self, host: str) -> str:
        return f"https://{host}:{self.https_port}"

    def stop(self) -> None:
        self.nginx.stop(signal.SIGQUIT)
        self.web.stop()
        for process in self.extra:
            process.stop()


def stack_start(
    *,
    env: Mapping[str, str],
    base_domain: str,
    hostnames: Iterable[str],
    web_workers: int = 1,
    media_root: Path,
    nginx_values: Mapping[str, str] | None = None,
    flower_htpasswd: Path | None = None,
    flower: bool = False,
    python: str = sys.executable,
) -> Stack:
    """Start gunicorn (and Flower when asked) with `env`, then nginx in front; raise StackError on failure."""
    binary = nginx_binary()
    if binary is None:
        raise StackError("nginx is not installed (apt-get install -y nginx)")
    workdir = world_readable_directory("atrium-stack-")
    (workdir / "custom-certificates").mkdir(mode=0o755)
    (workdir / "acme-challenge").mkdir(mode=0o755)
    certificate, key = tls_certificate_make(
        workdir, [base_domain, f"www.{base_domain}", f"*.{base_domain}", *hostnames]
    )
    http_port, https_port, web_port, flower_port = port_free(), port_free(), port_free(), port_free()

    web_env = {
        **env,
        "WEB_BIND": f"127.0.0.1:{web_port}",
        "WEB_WORKERS": str(web_workers),
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "MEDIA_ROOT": str(media_root),
        "MEDIA_ACCEL_REDIRECT_PREFIX": "/_protected_media/",
        "PUBLIC_URL_PORT": str(https_port),
        "PYTHONUNBUFFERED": "1",
    }
    web = Process("gunicorn", [python, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)], web_env, workdir / "web.log")
    extra: list[Process] = []
    if flower:
        extra.append(
            Process(
                "flower",
                [python, "-m", "celery", "-A", "config", "flower", "--address=127.0.0.1", f"--port={flower_port}",
                 "--url_prefix=flower"],
                web_env,
                workdir / "flower.log",
            )
        )  # fmt: skip
    # A copy inside the world-readable workdir: nginx's workers (nobody, when started as root) cannot enter a
    # checkout that lives in a private directory (a fresh clone under mkdtemp, as CI makes).
    frontend_root = workdir / "frontend"
    shutil.copytree(FRONTEND_PLACEHOLDER, frontend_root)
    for directory in [frontend_root, *(path for path in frontend_root.rglob("*") if path.is_dir())]:
        directory.chmod(0o755)
    for file in (path for path in frontend_root.rglob("*") if path.is_file()):
        file.chmod(0o644)
    values = {
        "BASE_DOMAIN": base_domain,
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        "WEB_UPSTREAM": f"127.0.0.1:{web_port}",
        "FLOWER_UPSTREAM": f"127.0.0.1:{flower_port}",
        "FLOWER_HTPASSWD": str(flower_htpasswd or workdir / "no-htpasswd"),
        "TLS_CERTIFICATE": str(certificate),
        "TLS_CERTIFICATE_KEY": str(key),
        "CUSTOM_DOMAIN_CERTIFICATES": str(workdir / "custom-certificates"),
        "ACME_CHALLENGE_ROOT": str(workdir / "acme-challenge"),
        "FRONTEND_ROOT": str(frontend_root),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(media_root),
        "ACCESS_LOG": str(workdir / "nginx-access.log"),
        "NGINX_PREFIX": str(workdir),
        "NGINX_WORKER_PROCESSES": "1",
        **(nginx_values or {}),
    }
    try:
        config = render(workdir / "conf", values, standalone=True)
    except RenderError as exc:
        raise StackError(f"the nginx templates did not render: {exc}") from exc
    checked = subprocess.run([binary, "-t", "-q", "-p", str(workdir), "-c", str(config)], capture_output=True)
    if checked.returncode != 0:
        raise StackError(f"nginx -t refused the rendered configuration:\n{checked.stderr.decode()}")
    nginx = Process(
        "nginx",
        [binary, "-p", str(workdir), "-c", str(config), "-g", "daemon off;"],
        dict(os.environ),
        workdir / "nginx.out",
    )
    stack = Stack(base_domain, workdir, http_port, https_port, web_port, certificate, nginx, web, extra)
    try:
        web.start()
        for process in extra:
            process.start()
        nginx.start()
        wait_for_port(web_port, web)
        for process in extra:
            wait_for_port(flower_port, process)
        wait_for_port(https_port, nginx)
    except BaseException:
        stack.stop()
        raise
    return stack

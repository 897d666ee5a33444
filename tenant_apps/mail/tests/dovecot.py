"""A private Dovecot on a free loopback port, for tests and bench/mail_sync.py.

The config comes from deploy/dovecot/dovecot.conf.template; users live in a passwd-file. Messages are put in
with APPEND over IMAP, the way another mail client would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess  # noqa: S404 - runs dovecot and doveadm, named by us
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

REPO_ROOT = Path(__file__).resolve().parents[3]
CONFIG_TEMPLATE = REPO_ROOT / "deploy" / "dovecot" / "dovecot.conf.template"
DEFAULT_PASSWORD = "secret"  # noqa: S105

# What a server without CONDSTORE/QRESYNC offers: the sync must fall back to a UID diff.
REDUCED_CAPABILITIES = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS SPECIAL-USE LIST-EXTENDED"


class DovecotMissing(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass
class DovecotServer:
    base_dir: Path
    port: int
    users: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    password: str = DEFAULT_PASSWORD

    @property
    def config_path(self) -> Path:
        return self.base_dir / "dovecot.conf"

    def user_take(self) -> str:
        """One of the logins made at start, not used before (Dovecot notices a changed passwd-file only by its
        mtime in whole seconds, so logins are made up front rather than one per test)."""
        if not self.users:
            raise RuntimeError("this Dovecot has no unused login left; start it with more users")
        return self.users.pop(0)

    def log_tail(self, lines: int = 30) -> str:
        log = self.base_dir / "dovecot.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def stop(self) -> None:
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        subprocess.run(  # noqa: S603 - our binary, our config
            [doveadm, "-c", str(self.config_path), "stop"], check=False, capture_output=True, timeout=30
        )
        pid_file = self.base_dir / "run" / "master.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _oauth2_passdb(directory: Path, introspection_url: str) -> str:
    """A passdb that takes XOAUTH2/OAUTHBEARER tokens and asks the OAuth2 server (RFC 7662 introspection) whose
    they are; its `email` must be the login."""
    settings_file = directory / "dovecot-oauth2.conf.ext"
    settings_file.write_text(
        f"introspection_mode = post\n"
        f"introspection_url = {introspection_url}\n"
        f"username_attribute = email\n"
        f"active_attribute = active\n"
        f"active_value = true\n"
    )
    shutil.chown(settings_file, "root", "dovecot")
    settings_file.chmod(0o640)
    return f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {settings_file}\n}}"


# Per-folder rights from a `dovecot-acl` file in the folder's Maildir directory (e.g. "owner lrsti": no "w", so
# no keywords or flags other than \Seen and \Deleted are kept: PERMANENTFLAGS lists no \*).
ACL_CONFIG = """mail_plugins = acl
protocol imap {
  mail_plugins = $mail_plugins imap_acl
}
plugin {
  acl = vfile
}"""


def dovecot_start(
    *,
    capabilities: str | None = None,
    base_dir: Path | None = None,
    users: list[str] | None = None,
    oauth2_introspection_url: str | None = None,
    extra_config: str = "",
) -> DovecotServer:
    """Start a private instance; `capabilities` replaces what IMAP advertises after login (e.g. no CONDSTORE);
    `oauth2_introspection_url` adds XOAUTH2 and OAUTHBEARER logins checked against that endpoint; `extra_config`
    is added at the top level (e.g. ACL_CONFIG)."""
    binary = dovecot_binary()
    if binary is None:
        raise DovecotMissing("dovecot is not installed (apt-get install -y dovecot-imapd)")
    directory = base_dir or Path(tempfile.mkdtemp(prefix="atrium-dovecot-"))
    for name in ("run", "state", "mail"):
        (directory / name).mkdir(parents=True, exist_ok=True)
    # Dovecot's processes run as nobody (mail) and dovenull (login) and must reach their directories.
    directory.chmod(0o755)
    shutil.chown(directory / "mail", "nobody", "nogroup")
    users_file = directory / "users"
    logins = users if users is not None else [f"user{number}@example.test" for number in range(1, 201)]
    users_file.write_text("".join(f"{login}:{{PLAIN}}{DEFAULT_PASSWORD}\n" for login in logins))
    shutil.chown(users_file, "root", "dovecot")
    users_file.chmod(0o640)
    port = free_port()
    capability_line = f"imap_capability = {capabilities}" if capabilities else ""
    if extra_config:
        capability_line += "\n" + extra_config
    config = Template(CONFIG_TEMPLATE.read_text()).substitute(
        base_dir=str(directory),
        port=str(port),
        capability_line=capability_line,
        extra_auth_mechanisms="xoauth2 oauthbearer" if oauth2_introspection_url else "",
        oauth2_passdb=_oauth2_passdb(directory, oauth2_introspection_url) if oauth2_introspection_url else "",
    )
    server = DovecotServer(base_dir=directory, port=port, users=list(logins))
    server.config_path.write_text(config)
    # Dovecot forks into the background; its child must not hold our pipes open.
    errors_path = directory / "start.err"
    with errors_path.open("w") as errors:
        result = subprocess.run(  # noqa: S603 - our binary, our config
            [binary, "-c", str(server.config_path)], stdout=subprocess.DEVNULL, stderr=errors, timeout=30
        )
    if result.returncode != 0:
        raise RuntimeError(f"dovecot did not start: {errors_path.read_text().strip()}\n{server.log_tail()}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(64).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"dovecot did not answer on 127.0.0.1:{port}\n{server.log_tail()}")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"

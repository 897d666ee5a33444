#!/usr/bin/env python3
"""Install the frontend's packages and build its static export (frontend/out) when anything it is made from
changed; with --test, run its unit tests (Vitest) first. Used by `deploy/dev.py up` and `deploy/dev.py test`.

Only the standard library: it runs before and outside the virtualenv too. Exit codes: 0 done (or nothing to
do), 1 a step failed, 3 Node.js/npm is missing (a failure in CI, a warning elsewhere).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent.parent
OUT_DIR = FRONTEND / "out"
BUILD_STAMP = FRONTEND / ".build-stamp"
INSTALL_STAMP = FRONTEND / "node_modules" / ".atrium-install-stamp"
# What the export is made from; the generated client (src/api/generated) follows from schema/.
SOURCES = ("app", "src", "schema", "public")
CONFIG_FILES = ("package.json", "package-lock.json", "next.config.ts", "postcss.config.mjs", "tsconfig.json")
MISSING_NODE = 3
# The export's HTML carries a few inline <script>s (Next.js's bootstrap and page payload). A Content-Security-Policy
# of script-src 'self' blocks them; this file lists their hashes for nginx to add to script-src.
CSP_HASHES_FILE = OUT_DIR / "_atrium" / "csp-script-hashes.txt"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def say(message: str) -> None:
    print(f"==> frontend: {message}", flush=True)


def digest(paths: list[Path], extra: str = "") -> str:
    hasher = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        hasher.update(str(path.relative_to(FRONTEND)).encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def source_files() -> list[Path]:
    files = [FRONTEND / name for name in CONFIG_FILES if (FRONTEND / name).is_file()]
    for directory in SOURCES:
        root = FRONTEND / directory
        if root.is_dir():
            files += [
                path
                for path in root.rglob("*")
                if path.is_file() and "generated" not in path.parts and not path.name.endswith(".test.ts")
            ]
    return files


def base_domain() -> str:
    return os.environ.get("BASE_DOMAIN", "localhost").strip().lower().rstrip(".") or "localhost"


def run(argv: list[str]) -> int:
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "BASE_DOMAIN": base_domain()}
    return subprocess.run(argv, cwd=FRONTEND, env=env, check=False).returncode  # noqa: S603 - npm, fixed arguments


def csp_hashes_write() -> int:
    """Write the CSP source expressions ('sha256-...') of every inline script in the export; returns how many."""
    hashes = set()
    for page in OUT_DIR.rglob("*.html"):
        for script in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest_b64 = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
            hashes.add(f"'sha256-{digest_b64}'")
    CSP_HASHES_FILE.parent.mkdir(parents=True, exist_ok=True)
    CSP_HASHES_FILE.write_text(" ".join(sorted(hashes)) + "\n", encoding="utf-8")
    return len(hashes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also run the unit tests (Vitest)")
    args = parser.parse_args()

    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        print("frontend: Node.js 20+ and npm are needed to build the frontend (https://nodejs.org)", file=sys.stderr)
        return MISSING_NODE

    lock_hash = digest([FRONTEND / "package-lock.json"])
    installed = INSTALL_STAMP.read_text().strip() if INSTALL_STAMP.is_file() else ""
    if installed != lock_hash:
        say("installing packages (npm ci)")
        if run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"]) != 0:
            return 1
        INSTALL_STAMP.write_text(lock_hash)

    if args.test:
        say("unit tests (vitest)")
        if run([npm, "test", "--silent"]) != 0:
            return 1

    wanted = digest(source_files(), extra=f"BASE_DOMAIN={base_domain()}")
    built = BUILD_STAMP.read_text().strip() if BUILD_STAMP.is_file() else ""
    if built == wanted and (OUT_DIR / "index.html").is_file():
        say("the build in frontend/out is current")
        return 0
    say(f"building the static export into frontend/out (BASE_DOMAIN={base_domain()})")
    BUILD_STAMP.unlink(missing_ok=True)
    if run([npm, "run", "build", "--silent"]) != 0:
        return 1
    say(f"{csp_hashes_write()} inline script hashes for the CSP in {CSP_HASHES_FILE.relative_to(FRONTEND)}")
    BUILD_STAMP.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())

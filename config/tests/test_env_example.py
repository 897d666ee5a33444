"""`.env.example` lists every variable the settings read, and nothing they do not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""env_(?:str|int|bool|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
# Read by deploy/dev.py, Django itself or the test plugin rather than through config/env.py.
READ_ELSEWHERE = {"PORT", "DJANGO_SETTINGS_MODULE", "CI"}


def test_env_example_matches_the_settings():
    sources = [path for path in (ROOT / "config").rglob("*.py") if "tests" not in path.parts]
    read = {name for path in sources for name in READ.findall(path.read_text())}
    listed = set(LISTED.findall((ROOT / ".env.example").read_text()))

    assert len(read) > 20
    assert read - listed == set(), "read by the settings but missing from .env.example"
    assert listed - read - READ_ELSEWHERE == set(), "in .env.example but read by nothing"

"""The OpenAPI contracts the frontend's typed client is generated from, kept as files under frontend/schema/.

One schema per host kind: the public site's URLconf and a company's. They are committed so that the frontend
builds without Django; a test regenerates them and fails when the committed files are stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

SCHEMA_DIR = Path(settings.BASE_DIR) / "frontend" / "schema"
REGENERATE_COMMAND = ".venv/bin/python manage.py frontend_schemas"


@dataclass(frozen=True)
class SchemaFile:
    urlconf: str
    path: Path


SCHEMA_FILES = (
    SchemaFile(urlconf="config.urls_public", path=SCHEMA_DIR / "public.json"),
    SchemaFile(urlconf="config.urls_tenant", path=SCHEMA_DIR / "tenant.json"),
)


def schema_text(urlconf: str) -> str:
    """The schema of `urlconf` as stable JSON text (sorted keys, two-space indent, final newline)."""
    schema: Any = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_files_write() -> list[Path]:
    """Write every schema file; returns the paths whose content changed."""
    changed: list[Path] = []
    for schema_file in SCHEMA_FILES:
        text = schema_text(schema_file.urlconf)
        current = schema_file.path.read_text(encoding="utf-8") if schema_file.path.exists() else None
        if current != text:
            schema_file.path.parent.mkdir(parents=True, exist_ok=True)
            schema_file.path.write_text(text, encoding="utf-8")
            changed.append(schema_file.path)
    return changed

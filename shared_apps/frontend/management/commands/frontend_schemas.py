"""Regenerate frontend/schema/{public,tenant}.json from the API; then `npm run gen:api` in frontend/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.frontend.schemas import SCHEMA_FILES, schema_files_write


class Command(BaseCommand):
    help = "Write the OpenAPI schemas the frontend's typed client is generated from (frontend/schema/)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = schema_files_write()
        for schema_file in SCHEMA_FILES:
            state = "updated" if schema_file.path in changed else "unchanged"
            self.stdout.write(f"{schema_file.path.relative_to(schema_file.path.parents[2])}: {state}")
        if changed:
            self.stdout.write("Now regenerate the typed client: cd frontend && npm run gen:api")

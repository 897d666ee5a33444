"""JSON log lines (one object per line) that carry the request id, tenant schema and user id of their origin."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from shared_apps.observability.context import current_fields

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class ContextFilter(logging.Filter):
    """Adds request_id, tenant_schema and user_id to every record (plain formats can use them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current_fields().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = current_fields()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", fields["request_id"]),
            "tenant_schema": getattr(record, "tenant_schema", fields["tenant_schema"]),
            "user_id": getattr(record, "user_id", fields["user_id"]),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)

"""Reading what was queued on the real Redis broker, the way a worker would receive it (no worker running)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import redis

from config.celery import app


def broker() -> Any:
    return redis.Redis.from_url(app.conf.broker_url)


def queued(queue: str) -> list[dict[str, Any]]:
    """The task messages waiting in a queue: name, tenant schema, kwargs and ETA of each, oldest first."""
    found = []
    for raw in reversed(broker().lrange(queue, 0, -1)):
        message = json.loads(raw)
        headers = message["headers"]
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        found.append(
            {
                "task": headers["task"],
                "schema": headers.get("_schema_name"),
                "kwargs": kwargs,
                "eta": datetime.fromisoformat(headers["eta"]) if headers.get("eta") else None,
            }
        )
    return found

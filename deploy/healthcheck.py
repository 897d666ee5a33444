"""Container healthcheck: GET /readyz (or the path given) on this container's gunicorn, as BASE_DOMAIN's host.

    python deploy/healthcheck.py [/readyz]

Exit 0 when it answers 200, 1 otherwise. Only the standard library: it runs every few seconds.
"""

from __future__ import annotations

import http.client
import os
import sys


def main(argv: list[str]) -> int:
    path = argv[0] if argv else "/readyz"
    host, _, port = os.environ.get("WEB_BIND", "0.0.0.0:8000").rpartition(":")
    connection = http.client.HTTPConnection("127.0.0.1" if host in ("", "0.0.0.0") else host, int(port), timeout=5)
    try:
        connection.request("GET", path, headers={"Host": os.environ.get("BASE_DOMAIN", "localhost")})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"unhealthy: {path} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""What every benchmark needs: a scratch database of its own on the configured server, and percentiles."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_database_url(name: str) -> str:
    """DATABASE_URL's server and credentials, with the benchmark's own database `name`."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atrium")
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def server_connect(url: str) -> Any:
    """An autocommit connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    from config.env import database_from_url

    config = database_from_url(url)
    params = {"user": config["USER"], "password": config["PASSWORD"], "host": config["HOST"], "port": config["PORT"]}
    conninfo = make_conninfo(dbname="postgres", **{key: value for key, value in params.items() if value})
    return psycopg.connect(conninfo, autocommit=True)


def database_recreate(url: str, *, create: bool = True) -> None:
    """Drop the database `url` names (and everything in it), then create it empty unless create=False."""
    name = urlsplit(url).path.lstrip("/")
    with server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str) -> None:
    database_recreate(url, create=False)


def _interpreter_workload(rounds: int) -> int:
    """Plain interpreter work of the kind a request does: calls, attribute and dict access, small strings."""

    class Row:
        __slots__ = ("key", "value")

        def __init__(self, key: str, value: int) -> None:
            self.key = key
            self.value = value

    def render(row: Row) -> dict[str, str]:
        return {"key": row.key, "value": str(row.value), "label": f"{row.key}:{row.value}"}

    total = 0
    for number in range(rounds):
        rows = [Row(f"k{index}", index + number) for index in range(20)]
        rendered = [render(row) for row in rows]
        total += sum(len(item["label"]) for item in rendered)
    return total


def memory_speed_ms(runs: int = 3, entries: int = 2_000_000, lookups: int = 300_000) -> float:
    """CPU milliseconds of random reads over a heap far larger than the CPU's caches, the least of `runs` runs.

    interpreter_speed_ms runs in the caches and misses what slows a web worker most on a shared host: memory
    that answers slowly (a neighbour's traffic, the host's own). A request touches objects all over a heap of
    hundreds of megabytes, much as this does; on the same machine this figure was seen to move by a factor of
    three within an hour while interpreter_ms stayed put, and the web app's CPU per request moved with it.
    """
    import random
    import time

    table = {number * 7919: number for number in range(entries)}
    keys = [random.randrange(entries) * 7919 for _ in range(lookups)]  # noqa: S311 - not a secret
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        total = 0
        for key in keys:
            total += table[key]
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def interpreter_speed_ms(runs: int = 7, rounds: int = 2000) -> float:
    """CPU milliseconds of a fixed pure-Python workload, the least of `runs` runs.

    This is how fast the machine runs Python at the time: the same code in the same interpreter takes a fixed
    number of instructions, so the figure moves only with the CPU the machine gets (its clock, and neighbours on
    a shared host). Benchmarks print it beside their results, so runs on different days or machines can be
    compared; the least of several runs is the machine at its least disturbed.
    """
    import time

    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        _interpreter_workload(rounds)
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)

"""Runs localstripe (the real peer for Stripe's subscription API) on loopback only, keeping nothing on disk.

`localstripe --port N` listens on every interface and pickles its store to /tmp/localstripe.pickle after every
write, which concurrent test runs would share; this launcher serves the same application on 127.0.0.1.
Usage: python -m shared_apps.billing.tests.localstripe_peer --port N
"""

from __future__ import annotations

import argparse

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    resources.store.dump_to_disk = lambda: None
    web.run_app(server.app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()

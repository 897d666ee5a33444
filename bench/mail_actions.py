#!/usr/bin/env python3
"""The Mail II figures in one run: send p50 (queue to accepted by SMTP and filed in Sent), bulk delete of 1,000
messages, draft save p50 (save + APPEND + removal of the old copy), all against a private Dovecot and an
in-process SMTP server. The measurements themselves are bench/mail_send.py's and bench/mail_bulk_delete.py's.
The last line printed is JSON with send_p50_ms, bulk_delete_1000_ms and draft_save_p50_ms.

Usage: .venv/bin/python bench/mail_actions.py [--messages 50] [--bulk 1000]
Needs dovecot-imapd. DATABASE_URL names the PostgreSQL server (the database itself is bench-owned).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.mail_bulk_delete import bulk_delete_ms  # noqa: E402
from bench.mail_send import draft_save_p50_ms, mail_bench_accounts, send_p50_ms  # noqa: E402

BENCH_DATABASE = "atrium_bench_mail_ii"
SEND_USER = "sender@example.test"
BULK_USER = "bulk@example.test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50, help="sends and draft saves measured")
    parser.add_argument("--bulk", type=int, default=1000, help="messages deleted in one bulk job")
    args = parser.parse_args()

    with mail_bench_accounts(BENCH_DATABASE, [SEND_USER, BULK_USER]) as ([sender, bulk], dovecot, smtp):
        send_ms = send_p50_ms(account=sender, smtp=smtp, port=dovecot.port, count=args.messages)
        draft_ms = draft_save_p50_ms(account=sender, port=dovecot.port, count=args.messages)
        delete_ms = bulk_delete_ms(account=bulk, port=dovecot.port, count=args.bulk)
    print(f"send (queue to Sent copy), p50 of {args.messages}: {send_ms:.1f} ms", flush=True)
    print(f"draft save (save + APPEND + old copy expunged), p50 of {args.messages}: {draft_ms:.1f} ms")
    print(f"bulk delete of {args.bulk} messages: {delete_ms:.0f} ms")
    print(
        json.dumps(
            {
                "send_p50_ms": round(send_ms, 1),
                f"bulk_delete_{args.bulk}_ms": round(delete_ms, 1),
                "draft_save_p50_ms": round(draft_ms, 1),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()

"""`onewindow audit verify`: check the hash chain of a service's event store.

It reads the database named by `--database-url`, else `DATABASE_URL`. Exit 0 when every stored
event matches its chain (and the recorded heads, with `--heads`), 1 when something was altered,
removed or reordered, each finding on a line of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from libs.events.audit import Report
    from services.cli import Subparsers


async def _verify(database_url: str, heads: dict[str, str] | None) -> Report:
    from libs.events.audit import verify
    from libs.events.db import make_engine

    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await verify(conn, heads=heads)
    finally:
        await engine.dispose()


def run_verify(args: argparse.Namespace) -> int:
    """Verify the store; exit 1 on any finding."""
    from libs.events.audit import heads_digest

    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        print("onewindow audit verify: give --database-url or set DATABASE_URL", file=sys.stderr)
        return 2
    heads = json.loads(Path(args.heads).read_text()) if args.heads else None
    report = asyncio.run(_verify(url, heads))
    for finding in report.findings:
        print(f"{finding.stream_id} v{finding.version}: {finding.problem}")
    if args.record_heads:
        Path(args.record_heads).write_text(json.dumps(report.heads, indent=1, sort_keys=True))
    verdict = "intact" if report.intact else f"{len(report.findings)} findings"
    print(f"{report.events} events in {report.streams} streams: {verdict}")
    print(f"heads digest {heads_digest(report.heads)}")
    return 0 if report.intact else 1


def add_audit_command(subparsers: Subparsers) -> None:
    """Register `onewindow audit verify`."""
    parser = subparsers.add_parser("audit", help="tamper evidence of an event store")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    verify = commands.add_parser(
        "verify", help="report every stored event that was altered, removed or reordered"
    )
    verify.add_argument("--database-url", help="default: DATABASE_URL of the environment")
    verify.add_argument(
        "--heads", metavar="FILE", help="stream heads recorded earlier: a truncated stream shows"
    )
    verify.add_argument(
        "--record-heads", metavar="FILE", help="write every stream's head hash to FILE (JSON)"
    )
    verify.set_defaults(func=run_verify)

"""`onewindow supervision rebuild`: replay every event into a fresh projection.

It works on the database named by `--database-url`, else `SUPERVISION_DATABASE_URL`, else
`DATABASE_URL` (default `sqlite:///var/supervision.db`, the one `make run` uses).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.cli import Subparsers


async def _rebuild(database_url: str | None, dry_run: bool) -> int:
    from libs.events.db import migrate
    from services.supervision.adapters.rebuild import rebuild
    from services.supervision.bootstrap import MIGRATIONS, bootstrap
    from services.supervision.config import Settings

    url = database_url or os.environ.get("SUPERVISION_DATABASE_URL")
    app = bootstrap(Settings(database_url=url) if url else Settings())
    runtime = app.runtime
    assert runtime is not None  # a real bootstrap: its engine and store, nothing started
    try:
        await migrate(runtime.engine, [MIGRATIONS])
        days = app.settings.escalate_after_days
        done = await rebuild(
            runtime.engine, runtime.store, escalate_after_days=days, dry_run=dry_run
        )
    finally:
        await runtime.engine.dispose()
    counts = ", ".join(f"{name} {rows}" for name, (rows, _) in done.after.items())
    verb = "would rebuild" if dry_run else "rebuilt"
    print(f"{verb} from {done.case_events} case events and {done.own_events} own events: {counts}")
    print("identical to the projection before" if done.identical else "differs from before")
    return 0


def run_rebuild(args: argparse.Namespace) -> int:
    """Rebuild the supervision projection; exit 0, printing whether anything changed."""
    return asyncio.run(_rebuild(args.database_url, args.dry_run))


def add_supervision_command(subparsers: Subparsers) -> None:
    """Register `onewindow supervision rebuild`."""
    parser = subparsers.add_parser("supervision", help="supervision service administration")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    rebuild = commands.add_parser(
        "rebuild",
        help="replay the inbox of case events and supervision's own events into a fresh "
        "projection (stop the service first, or expect it to wait for the rebuild)",
    )
    rebuild.add_argument("--database-url", help="default: DATABASE_URL of the environment")
    rebuild.add_argument(
        "--dry-run", action="store_true", help="replay and compare, then roll back"
    )
    rebuild.set_defaults(func=run_rebuild)

"""Approval's part of `onewindow seed` (the project series) and `onewindow approval rebuild`.

The database is `--approval-database-url`, else `APPROVAL_DATABASE_URL`, else approval's
default (`sqlite:///var/approval.db`, the one `make run` uses); the events reach Kafka through
approval's outbox relay when the service runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.approval.application.rebuild import Rebuilt
    from services.cli import Subparsers


def seed_project_series(url: str | None) -> int:
    """Define the demonstration project series in approval; how many were new."""
    from libs.events.db import migrate
    from services.approval.application.joint.seed_series import seed_series
    from services.approval.bootstrap import bootstrap
    from services.approval.config import Settings

    chosen = (
        url
        or os.environ.get("APPROVAL_DATABASE_URL")
        or Settings.model_fields["database_url"].default
    )
    settings = Settings(database_url=chosen)
    ctx = bootstrap(settings)
    runtime = ctx.runtime

    async def run() -> int:
        try:
            await migrate(runtime.engine, [runtime.migrations] if runtime.migrations else [])
            return await seed_series(runtime=runtime, center=settings.center_code)
        finally:
            await runtime.engine.dispose()

    return asyncio.run(run())


def run_rebuild(args: argparse.Namespace) -> int:
    """Rebuild approval's worklist from its event store; print whether anything changed."""
    from libs.events.db import migrate
    from services.approval.application.rebuild import rebuild_worklist
    from services.approval.bootstrap import bootstrap
    from services.approval.config import Settings

    url = args.database_url or os.environ.get("APPROVAL_DATABASE_URL")
    ctx = bootstrap(Settings(database_url=url) if url else Settings())
    runtime = ctx.runtime

    async def run() -> Rebuilt:
        try:
            await migrate(runtime.engine, [runtime.migrations] if runtime.migrations else [])
            return await rebuild_worklist(ctx, dry_run=args.dry_run)
        finally:
            await runtime.engine.dispose()

    done = asyncio.run(run())
    rows = ", ".join(f"{name} {len(found)}" for name, found in done.after.items())
    verb = "would rebuild" if args.dry_run else "rebuilt"
    print(f"approval: {verb} {done.work_items} work item(s) from the event store: {rows}")
    print("identical to the projection before" if done.identical else "differs from before")
    return 0


def add_approval_command(subparsers: Subparsers) -> None:
    """Register `onewindow approval rebuild`."""
    parser = subparsers.add_parser("approval", help="approval service administration")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    rebuild = commands.add_parser(
        "rebuild", help="write the worklist again from approval's event store"
    )
    rebuild.add_argument("--database-url", help="default: APPROVAL_DATABASE_URL, DATABASE_URL")
    rebuild.add_argument(
        "--dry-run", action="store_true", help="replay and compare, then roll back"
    )
    rebuild.set_defaults(func=run_rebuild)

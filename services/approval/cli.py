"""Approval's part of `onewindow seed` (the project series) and `onewindow approval rebuild`.

The database is `--approval-database-url`, else `APPROVAL_DATABASE_URL`, else approval's
default (`sqlite:///var/approval.db`, the one `make run` uses); the events reach Kafka through
approval's outbox relay when the service runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from services.approval.application.rebuild import Rebuilt
    from services.approval.bootstrap import App
    from services.approval.config import Settings
    from services.cli import Subparsers

T = TypeVar("T")


def seed_project_series(url: str | None) -> int:
    """Define the demonstration project series in approval; how many were new."""
    from services.approval.application.joint.seed_series import seed_series
    from services.approval.config import Settings

    chosen = (
        url
        or os.environ.get("APPROVAL_DATABASE_URL")
        or Settings.model_fields["database_url"].default
    )
    settings = Settings(database_url=chosen)

    async def run(app: App) -> int:
        return await seed_series(uow=app.uow, clock=app.clock, center=settings.center_code)

    return _migrated(settings, run)


def run_rebuild(args: argparse.Namespace) -> int:
    """Rebuild approval's worklist from its event store; print whether anything changed."""
    from services.approval.application.rebuild import rebuild_worklist
    from services.approval.config import Settings

    url = args.database_url or os.environ.get("APPROVAL_DATABASE_URL")

    async def run(app: App) -> Rebuilt:
        return await rebuild_worklist(uow=app.uow, dry_run=args.dry_run)

    done = _migrated(Settings(database_url=url) if url else Settings(), run)
    rows = ", ".join(f"{name} {len(found)}" for name, found in done.after.items())
    verb = "would rebuild" if args.dry_run else "rebuilt"
    print(f"approval: {verb} {done.work_items} work item(s) from the event store: {rows}")
    print("identical to the projection before" if done.identical else "differs from before")
    return 0


def _migrated(settings: Settings, job: Callable[[App], Awaitable[T]]) -> T:
    """Bootstrap approval (not started), migrate its database, run `job`, dispose the engine."""
    from libs.events.db import migrate
    from services.approval.bootstrap import MIGRATIONS, bootstrap

    app = bootstrap(settings)
    runtime = app.runtime
    assert runtime is not None

    async def run() -> T:
        try:
            await migrate(runtime.engine, [MIGRATIONS])
            return await job(app)
        finally:
            await runtime.engine.dispose()

    return asyncio.run(run())


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

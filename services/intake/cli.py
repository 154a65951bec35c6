"""`onewindow seed`, `calendar load` and `intake rebuild`: they work on intake's own database.

Both run the same use cases as the HTTP API, on the database named by `--database-url`, else
`INTAKE_DATABASE_URL`, else `DATABASE_URL` (default `sqlite:///var/intake.db`, the one `make
run` uses). The events they append reach Kafka through intake's outbox relay, immediately when
intake is running, or when it next starts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from services.intake.bootstrap import App

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

T = TypeVar("T")


def _database_url(args: argparse.Namespace) -> str | None:
    url: str | None = args.database_url or os.environ.get("INTAKE_DATABASE_URL")
    return url


async def _on_intake_database(args: argparse.Namespace, action: Callable[[App], Awaitable[T]]) -> T:
    from libs.events.db import migrate
    from services.intake.bootstrap import MIGRATIONS, bootstrap
    from services.intake.config import Settings

    url = _database_url(args)
    intake = bootstrap(Settings(database_url=url) if url else Settings())
    assert intake.runtime is not None
    try:
        await migrate(intake.runtime.engine, [MIGRATIONS])
        return await action(intake)
    finally:
        await intake.runtime.engine.dispose()


def run_seed(args: argparse.Namespace) -> int:
    """Load the demonstration catalogue when intake's catalogue is empty."""
    from services.intake.application.seed_catalog import seed_catalog

    async def seed(intake: App) -> int:
        """Seed through intake's unit of work."""
        settings = intake.settings
        return await seed_catalog(
            uow=intake.uow,
            clock=intake.clock,
            center=settings.center_code,
            parent=settings.parent_center,
            force=args.force,
            center_name=settings.center_name,
        )

    published = asyncio.run(_on_intake_database(args, seed))
    if published:
        print(f"seed: published {published} catalogue item version(s)")
    else:
        print("seed: the catalogue already has items; nothing to do (use --force to republish)")
    from services.approval.cli import seed_project_series

    defined = seed_project_series(args.approval_database_url)
    print(f"seed: defined {defined} project series (并联审批) in approval")
    return 0


def run_calendar_load(args: argparse.Namespace) -> int:
    """Load a year's official schedule (YearSchedule JSON) and recompute provisional deadlines."""
    from pydantic import ValidationError

    from libs.events.calendar import YearSchedule
    from services.intake.application.load_calendar import Loaded, load_calendar_year

    try:
        schedule = YearSchedule.model_validate_json(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        print(f"onewindow calendar load: error: {args.file}: {exc}", file=sys.stderr)
        return 1

    async def load(intake: App) -> Loaded:
        """Load through intake's unit of work."""
        return await load_calendar_year(schedule, args.by, uow=intake.uow, clock=intake.clock)

    loaded = asyncio.run(_on_intake_database(args, load))
    print(
        f"calendar: loaded {loaded.year} ({len(schedule.holidays)} holidays, "
        f"{len(schedule.workdays)} adjusted working days); "
        f"recomputed {len(loaded.recomputed)} provisional deadline(s)"
    )
    return 0


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="intake's database (default: INTAKE_DATABASE_URL, DATABASE_URL, var/intake.db)",
    )


def add_seed_command(subparsers: Subparsers) -> None:
    """Register `onewindow seed`."""
    parser = subparsers.add_parser(
        "seed",
        help="load the demonstration item catalogue into intake when it is empty",
        description="Publish the demonstration catalogue (70 items, 20 departments) to intake.",
    )
    _database_option(parser)
    parser.add_argument(
        "--force", action="store_true", help="publish even when the catalogue has items"
    )
    parser.add_argument(
        "--approval-database-url",
        metavar="URL",
        help="approval's database, for the project series (default: APPROVAL_DATABASE_URL)",
    )
    parser.set_defaults(func=run_seed)


def add_calendar_command(subparsers: Subparsers) -> None:
    """Register `onewindow calendar load FILE`."""
    parser = subparsers.add_parser(
        "calendar",
        help="working-day calendar: load a year's official schedule",
        description="Manage intake's working-day calendar.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load",
        help="load a year's schedule and recompute provisional deadlines of open cases",
        description=(
            'FILE is JSON: {"year": 2027, "holidays": ["2027-01-01", ...], '
            '"workdays": ["2027-02-07", ...]} (adjusted working weekends in workdays).'
        ),
    )
    load.add_argument("file", metavar="FILE", help="the year's schedule as JSON")
    load.add_argument("--by", default="cli", metavar="ID", help="who loads it (recorded)")
    _database_option(load)
    load.set_defaults(func=run_calendar_load)


def run_rebuild(args: argparse.Namespace) -> int:
    """Rebuild intake's `cases` read model from its event store and the reported events."""
    from services.intake.application.rebuild import DryRun, rebuild_cases, rebuild_dry_run

    async def rebuild(intake: App) -> int:
        """Rebuild through intake's unit of work."""
        return await rebuild_cases(uow=intake.uow, clock=intake.clock)

    async def dry_run(intake: App) -> DryRun:
        """Replay and compare through intake's unit of work, then roll back."""
        return await rebuild_dry_run(uow=intake.uow, clock=intake.clock)

    if not args.dry_run:
        count = asyncio.run(_on_intake_database(args, rebuild))
        print(f"intake: rebuilt {count} case(s) from the event store")
        return 0
    done = asyncio.run(_on_intake_database(args, dry_run))
    print(f"intake: would rebuild {done.cases} case(s) from the event store")
    if done.differing:
        print(f"differs from before in {len(done.differing)} case(s): {done.differing[:20]}")
    else:
        print("identical to the projection before")
    return 0


def add_intake_command(subparsers: Subparsers) -> None:
    """Register `onewindow intake rebuild`."""
    parser = subparsers.add_parser(
        "intake",
        help="intake's read model: rebuild it from the event store",
        description="Maintain intake's read model.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    rebuild = actions.add_parser(
        "rebuild",
        help="empty the cases table and replay the event store (query codes kept as hashes)",
    )
    _database_option(rebuild)
    rebuild.add_argument(
        "--dry-run", action="store_true", help="replay and compare, then roll back"
    )
    rebuild.set_defaults(func=run_rebuild)

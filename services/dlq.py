"""`onewindow dlq list` and `onewindow dlq replay`: parked records of the services' consumers.

Every consumer keeps what it could not apply in its own database's `parked` table: records
whose handler kept failing, records that cannot be parsed or whose payload breaks its schema
(those are also on `<topic>.dlq`), gaps, and the later records of each parked stream. `list`
shows the open rows; `replay` re-applies them, after a fix is deployed, through the same
consumer path (stream order, position and `resolved_at` in one transaction: exactly once) and
unparks each stream whose records all went through. A service's database is `--database-url`,
else `<SERVICE>_DATABASE_URL`, else its `DATABASE_URL` default (the one `make run` uses).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from libs.events.applier import Applier
    from libs.events.replay import Replayed
    from libs.events.runtime import Runtime
    from services.cli import Subparsers

SERVICES = ("intake", "approval", "supervision", "linkage")


def _runtime(service: str, database_url: str | None) -> tuple[Runtime, dict[str, Applier]]:
    """The service's runtime as its process wires it (not started) and every consumer's
    applier by name, handlers included."""
    url = database_url or os.environ.get(f"{service.upper()}_DATABASE_URL")
    if service == "intake":
        from services.intake.bootstrap import bootstrap as intake
        from services.intake.config import Settings as IntakeSettings

        intake_app = intake(IntakeSettings(database_url=url) if url else IntakeSettings())
        assert intake_app.runtime is not None  # bootstrapped without a fake unit of work
        runtime = intake_app.runtime
    elif service == "approval":
        from services.approval.bootstrap import bootstrap as approval
        from services.approval.config import Settings as ApprovalSettings

        wired = approval(ApprovalSettings(database_url=url) if url else ApprovalSettings())
        assert wired.runtime is not None  # bootstrapped without a fake unit of work
        runtime = wired.runtime
    elif service == "supervision":
        from services.supervision.bootstrap import bootstrap as supervision
        from services.supervision.config import Settings as SupervisionSettings

        found = supervision(
            SupervisionSettings(database_url=url) if url else SupervisionSettings()
        ).runtime
        assert found is not None  # a real bootstrap (no fake unit of work)
        runtime = found
    else:
        from services.linkage.bootstrap import bootstrap as linkage
        from services.linkage.bootstrap import link_appliers
        from services.linkage.config import Settings as LinkageSettings

        lk = linkage(LinkageSettings(database_url=url) if url else LinkageSettings())
        assert lk.runtime is not None
        return lk.runtime, {**lk.runtime.appliers(), **link_appliers(lk)}
    return runtime, runtime.appliers()


async def _list(service: str, database_url: str | None) -> list[str]:
    from libs.events.db import migrate
    from libs.events.parking import open_rows

    runtime, _ = _runtime(service, database_url)
    try:
        await migrate(runtime.engine, [runtime.migrations] if runtime.migrations else [])
        rows = await open_rows(runtime.engine)
    finally:
        await runtime.engine.dispose()
    return [
        f"{r.id}\t{service}\t{r.consumer}\t{r.reason}\t{r.stream or '-'}\t{r.sequence or '-'}\t"
        f"{r.parked_at:%Y-%m-%d %H:%M:%S}\t{' '.join(r.error.split())[:160]}"
        for r in rows
    ]


async def _replay(service: str, database_url: str | None, ids: list[int] | None) -> list[Replayed]:
    from libs.events.parking import open_rows
    from libs.events.replay import replay

    runtime, appliers = _runtime(service, database_url)
    done: list[Replayed] = []
    try:
        rows = await open_rows(runtime.engine, ids=ids)
        for consumer in dict.fromkeys(r.consumer for r in rows):
            if consumer not in appliers:
                print(f"dlq: no consumer {consumer} in {service}; its rows are left parked")
                continue
            wanted = None if ids is None else [r.id for r in rows if r.consumer == consumer]
            done.extend(await replay(appliers[consumer], wanted))
    finally:
        await runtime.engine.dispose()
    return done


def run_list(args: argparse.Namespace) -> int:
    """Print the open parked rows of one service, or of every service."""
    services = [args.service] if args.service else list(SERVICES)
    print("id\tservice\tconsumer\treason\tstream\tsequence\tparked_at\terror")
    for service in services:
        for line in asyncio.run(_list(service, args.database_url)):
            print(line)
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """Replay parked rows; exit 1 when some remain parked."""
    ids = None if args.all else args.id
    done = asyncio.run(_replay(args.service, args.database_url, ids))
    for r in done:
        print(f"{r.id}\t{'resolved' if r.resolved else 'still parked'}\t{r.outcome}")
    resolved = sum(r.resolved for r in done)
    print(f"dlq: {resolved} resolved, {len(done) - resolved} still parked")
    return 0 if all(r.resolved for r in done) else 1


def add_dlq_command(subparsers: Subparsers) -> None:
    """Register `onewindow dlq list` and `onewindow dlq replay`."""
    parser = subparsers.add_parser("dlq", help="records the consumers parked, and their replay")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    listing = commands.add_parser("list", help="print the open parked records")
    listing.add_argument("--service", choices=SERVICES, help="default: every service")
    listing.add_argument("--database-url", help="with --service: that service's database")
    listing.set_defaults(func=run_list)
    replay = commands.add_parser(
        "replay", help="re-apply parked records (each with its stream) through the consumer"
    )
    replay.add_argument("--service", choices=SERVICES, required=True)
    replay.add_argument("--database-url", help="default: the service's DATABASE_URL")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, action="append", metavar="N", help="a row id (repeatable)")
    which.add_argument("--all", action="store_true", help="every open row of the service")
    replay.set_defaults(func=run_replay)

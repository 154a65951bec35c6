"""Rebuild the `cases` read model from intake's event store and the events others reported.

Intake's own streams give each row (the query code's hash included, from its unpublished
stream); the timeline of other services' events gives decisions, withdrawals and the clock.
A rebuilt row has no plaintext query code (only the hash is kept), so the public lookup works
with the printed code but a reprinted receipt cannot show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.clock import Clock
from services.intake.application.common import IntakeTransaction, IntakeUnitOfWork
from services.intake.domain.case import Case


@dataclass(frozen=True)
class DryRun:
    """How many cases a rebuild replays, and the cases whose rows it would change."""

    cases: int
    differing: list[str]


class _RolledBack(Exception):
    """Ends a dry run's block, so that the unit of work rolls it back."""

    def __init__(self, result: DryRun) -> None:
        super().__init__("dry run")
        self.result = result


async def rebuild_cases(*, uow: IntakeUnitOfWork, clock: Clock) -> int:
    """Empty `cases` and replay into it, in one transaction; returns the cases rebuilt."""
    async with uow.begin() as tx:
        return await _rebuild_in(tx, now=clock.now())


async def rebuild_dry_run(*, uow: IntakeUnitOfWork, clock: Clock) -> DryRun:
    """Rebuild in a transaction that is rolled back, comparing the rows before and after."""
    try:
        async with uow.begin() as tx:
            before = await tx.views.snapshot()
            count = await _rebuild_in(tx, now=clock.now())
            after = await tx.views.snapshot()
            differing = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            raise _RolledBack(DryRun(count, differing))
    except _RolledBack as done:
        return done.result


async def _rebuild_in(tx: IntakeTransaction, *, now: datetime) -> int:
    await tx.views.clear_cases()
    streams, hashes = await tx.views.case_streams()
    for case_id in streams:
        case = await tx.events.load(Case, case_id)
        stored = [e.load() for e in await tx.events.read(case_id)]
        await tx.views.project_case(case, stored, now=now)
    for case_id, hashed in hashes.items():
        await tx.views.set_query_code(case_id, None, hashed)
    for event in await tx.views.reported_events():
        await tx.views.apply_reported(event, tx.calendar)
    return len(streams)

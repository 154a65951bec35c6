"""Rebuild the `cases` read model from intake's event store and the events others reported.

Intake's own streams give each row (the query code's hash included, from its unpublished
stream); the timeline of other services' events gives decisions, withdrawals and the clock.
A rebuilt row has no plaintext query code (only the hash is kept), so the public lookup works
with the printed code but a reprinted receipt cannot show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.registry import UnknownEventType, registry
from libs.events.runtime import Runtime
from libs.events.store import load
from services.intake.adapters.projection import project_case
from services.intake.adapters.tables import case_timeline, cases
from services.intake.consumers.case_events import apply_reported
from services.intake.domain.case import Case
from services.intake.domain.query_codes import QueryCodeIssued

# Not derived from events: the plaintext query code (only its hash is stored) and the moment
# a row was written. A dry run compares every other column.
NOT_REBUILT = ("query_code", "updated_at")


@dataclass(frozen=True)
class DryRun:
    """How many cases a rebuild replays, and the cases whose rows it would change."""

    cases: int
    differing: list[str]


async def rebuild_cases(runtime: Runtime) -> int:
    """Empty `cases` and replay into it, in one transaction; returns the cases rebuilt."""
    async with runtime.transaction() as conn:
        return await _rebuild_in(conn, runtime)


async def rebuild_dry_run(runtime: Runtime) -> DryRun:
    """Rebuild in a transaction that is rolled back, comparing the rows before and after."""
    async with runtime.engine.connect() as conn:
        transaction = await conn.begin()
        before = await _snapshot(conn)
        count = await _rebuild_in(conn, runtime)
        after = await _snapshot(conn)
        await transaction.rollback()
    differing = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return DryRun(count, differing)


async def _snapshot(conn: AsyncConnection) -> dict[str, tuple[object, ...]]:
    columns = [c for c in cases.columns if c.name not in NOT_REBUILT]
    rows = await conn.execute(select(*columns))
    return {str(row.case_id): tuple(row) for row in rows}


async def _rebuild_in(conn: AsyncConnection, runtime: Runtime) -> int:
    await conn.execute(delete(cases))
    streams, hashes = await _scan(conn, runtime)
    for case_id in streams:
        case = await load(runtime.store, conn, Case, case_id)
        stored = [e.load() for e in await runtime.store.read(conn, case_id)]
        await project_case(conn, case, stored, now=runtime.clock.now())
    for case_id, hashed in hashes.items():
        where = cases.c.case_id == case_id
        await conn.execute(update(cases).where(where).values(query_hash=hashed))
    await _replay_reported(conn, runtime)
    return len(streams)


async def _scan(conn: AsyncConnection, runtime: Runtime) -> tuple[list[str], dict[str, str]]:
    """The case streams (in the order they began) and each case's query code hash."""
    streams: list[str] = []
    hashes: dict[str, str] = {}
    position = 0
    while batch := await runtime.store.read_all(conn, position):
        for stored in batch:
            if stored.type == s.CaseSubmitted.TYPE and stored.version == 1:
                streams.append(stored.stream_id)
            elif stored.type == QueryCodeIssued.TYPE:
                issued = QueryCodeIssued.model_validate(stored.data)
                hashes[issued.case_id] = issued.query_hash
            position = stored.position
    return streams, hashes


async def _replay_reported(conn: AsyncConnection, runtime: Runtime) -> None:
    rows = await conn.execute(
        select(case_timeline.c.type, case_timeline.c.data).order_by(
            case_timeline.c.at, case_timeline.c.event_id
        )
    )
    for row in rows.all():
        try:
            event = registry.load(row.type, row.data)
        except (UnknownEventType, ValidationError):
            continue  # the consumer could not apply it either
        if isinstance(event, s.CaseEvent):
            await apply_reported(conn, event, runtime.calendar)

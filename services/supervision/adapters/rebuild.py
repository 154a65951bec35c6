"""Rebuild the projection from the start: the inbox of case events, then supervision's own events.

The projection is emptied and replayed in one transaction, so readers see the old state until
the new one is complete. Nothing is published: the transitions and findings of the past are
the stored events themselves, replayed, not found again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Column, Table, delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events import contract as s
from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.contract.projects import ProjectEvent
from libs.events.db import is_postgres
from libs.events.registry import Event, UnknownEventType, registry
from libs.events.store import EventStore
from services.supervision.adapters import inbox
from services.supervision.adapters.case_batch import CaseBatch
from services.supervision.adapters.project_case import rederive_all
from services.supervision.adapters.project_own import apply_own
from services.supervision.adapters.project_tables import PROJECT_TABLES
from services.supervision.adapters.refresh_lights import reschedule_all
from services.supervision.adapters.tables import PROJECTION, ledger
from services.supervision.adapters.track_projects import track_project_event
from services.supervision.application.ports import Received

Snapshot = dict[str, list[tuple[Any, ...]]]
Digest = dict[str, tuple[int, str]]  # table -> (rows, hash of the rows in stable order)
TABLES = (*PROJECTION, *PROJECT_TABLES)


@dataclass(frozen=True)
class Rebuilt:
    """The projection before and after the rebuild (digests), and how much was replayed."""

    before: Digest
    after: Digest
    case_events: int
    own_events: int

    @property
    def identical(self) -> bool:
        """Whether replaying changed nothing."""
        return self.before == self.after


async def rebuild(
    engine: AsyncEngine, store: EventStore, *, escalate_after_days: int, dry_run: bool = False
) -> Rebuilt:
    """Empty the projection and replay every event into it; roll back when `dry_run`."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        before = await digest(conn)
        for table in reversed(TABLES):
            await conn.execute(delete(table))
        calendar, case_events = await _replay_inbox(conn, store)
        own_events = await _replay_own(conn, store)
        await reschedule_all(conn, calendar, escalate_after_days=escalate_after_days)
        after = await digest(conn)
        await (transaction.rollback() if dry_run else transaction.commit())
    return Rebuilt(before, after, case_events, own_events)


async def _replay_inbox(conn: AsyncConnection, store: EventStore) -> tuple[WorkCalendar, int]:
    """Case events in consumed order, a batch at a time folded per case in memory and written
    at once; the calendar grows as its years were loaded."""
    calendar = WorkCalendar()
    count = 0
    async for rows in inbox.replay(conn):
        run: list[tuple[Received, Event]] = []
        for row in rows:
            event = _load_json(str(row["type"]), row["data"])
            if event is None:
                continue
            count += 1
            if isinstance(event, s.CalendarYearLoaded | ProjectEvent):
                await _fold(conn, store, run, calendar)
                run = []
            if isinstance(event, s.CalendarYearLoaded):
                calendar = calendar.with_schedule(
                    YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
                )
                await rederive_all(conn, calendar)  # as the consumer did when the year arrived
            elif isinstance(event, ProjectEvent):
                await track_project_event(conn, event)
            elif isinstance(event, s.CaseEvent):
                received = Received(
                    row["type"], row["center"], row["sequence"], row["time"], row["known_at"]
                )
                run.append((received, event))
        await _fold(conn, store, run, calendar)
    return calendar, count


async def _fold(
    conn: AsyncConnection,
    store: EventStore,
    run: list[tuple[Received, Event]],
    calendar: WorkCalendar,
) -> None:
    if not run:
        return
    ids = [e.case_id for _, e in run if isinstance(e, s.CaseEvent)]
    cases = await CaseBatch.load(conn, ids, lock=False)
    for received, event in run:
        cases.project(received, event, calendar)
    await cases.save(conn, store)


async def _replay_own(conn: AsyncConnection, store: EventStore) -> int:
    position, count = 0, 0
    while batch := await store.read_all(conn, position):
        for stored in batch:
            event = _load(stored.type, stored.data)
            if event is not None:
                await apply_own(conn, event)
                count += 1
            position = stored.position
    return count


def _load_json(type_name: str, data: str) -> Event | None:
    try:
        return registry.load_json(type_name, data)
    except (UnknownEventType, ValidationError):
        return None  # the consumer never applied it either


def _load(type_name: str, data: Any) -> Event | None:
    try:
        return registry.load(type_name, data)
    except (UnknownEventType, ValidationError):
        return None  # the consumer never applied it either


async def snapshot(conn: AsyncConnection) -> Snapshot:
    """Every projection row, surrogate ids left out, in a stable order, to compare states."""
    result: Snapshot = {}
    for table in TABLES:
        columns, order = _compared(table)
        rows = await conn.execute(select(*columns).order_by(*order))
        result[table.name] = [tuple(r) for r in rows]
    return result


async def digest(conn: AsyncConnection) -> Digest:
    """Each projection table's row count and a hash of `snapshot`'s rows, to compare states.
    On PostgreSQL the database hashes the rows' text (no row travels to the client: at 200,000
    events the snapshots cost a rebuild as much as its fold); elsewhere the snapshot is hashed."""
    if not is_postgres(conn):
        found = await snapshot(conn)
        return {name: (len(rows), _sha(repr(rows))) for name, rows in found.items()}
    quote = conn.dialect.identifier_preparer.quote
    result: Digest = {}
    for table in TABLES:
        columns, order = _compared(table)
        row = ", ".join(quote(c.name) for c in columns)
        by = ", ".join(quote(c.name) for c in order)
        rows = f"string_agg(ROW({row})::text, E'\\n' ORDER BY {by})"
        query = f"SELECT count(*), md5(coalesce({rows}, '')) FROM {quote(table.name)}"
        count, hashed = (await conn.execute(text(query))).one()
        result[table.name] = (int(count), str(hashed))
    return result


def _compared(table: Table) -> tuple[list[Column[Any]], list[Column[Any]]]:
    """The columns a comparison covers (not the ledger's surrogate id) and the stable order."""
    columns = [c for c in table.columns if c is not ledger.c.id]
    order = [ledger.c.id] if table is ledger else list(table.primary_key.columns)
    return columns, order


def _sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()

"""Rows of the `lights` table as clocks with the light they show, and back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast, overload

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.caseclock import pauses_from_json
from libs.events.db import is_postgres
from libs.events.fastpath import in_transaction, insert_rows, update_rows
from services.supervision.adapters.tables import lights
from services.supervision.domain.clock import CaseClock, Clocks, deadline_of
from services.supervision.domain.lights import Color, Outcome

KEY = ("case_id", "part")


@dataclass(frozen=True)
class LightRow:
    """One clock of a case with the colour it last published and the rungs already fired."""

    case_id: str
    part: str
    center: str
    clock: CaseClock
    color: Color | None
    color_since: datetime | None
    fired: frozenset[str]
    next_change_at: datetime | None


def from_row(row: Mapping[Any, Any]) -> LightRow:
    """A LightRow from a `lights` row."""
    clock = CaseClock(
        deadline=deadline_of(row["deadline"], row["due_day"], row["provisional"]),
        limit_days=row["limit_days"],
        started_at=row["started_at"],
        department=row["department"],
        stage=row["stage"],
        suspended_since=row["suspended_since"],
        completed_at=row["completed_at"],
        closed_at=row["closed_at"],
        outcome=cast("Outcome | None", row["outcome"]),
        used_days=row["used_days"],
        kind=row["kind"],
        pauses=pauses_from_json(row["pauses"] or []),
        extension_days=row["extension_days"],
    )
    fired = frozenset(r for r in (row["rungs"] or "").split(",") if r)
    return LightRow(
        row["case_id"],
        row["part"],
        row["center"],
        clock,
        cast("Color | None", row["color"]),
        row["color_since"],
        fired,
        row["next_change_at"],
    )


def clock_values(clock: CaseClock) -> dict[str, Any]:
    """The clock's columns."""
    return {
        "department": clock.department,
        "stage": clock.stage,
        "deadline": clock.deadline.at,
        "due_day": clock.deadline.due_day,
        "provisional": clock.deadline.provisional,
        "limit_days": clock.limit_days,
        "started_at": clock.started_at,
        "suspended_since": clock.suspended_since,
        "completed_at": clock.completed_at,
        "closed_at": clock.closed_at,
        "outcome": clock.outcome,
        "used_days": clock.used_days,
        "kind": clock.kind,
        "pauses": [
            [p.start.isoformat(), p.end.isoformat() if p.end else None] for p in clock.pauses
        ],
        "extension_days": clock.extension_days,
    }


async def load(conn: AsyncConnection, case_id: str, *, lock: bool = False) -> dict[str, LightRow]:
    """Every light of a case by part, locked for update when asked (PostgreSQL)."""
    query = select(lights).where(lights.c.case_id == case_id).order_by(lights.c.part)
    if lock:
        query = query.with_for_update()
    rows = (await conn.execute(query)).mappings().all()
    return {r["part"]: from_row(r) for r in rows}


async def save_clocks(
    conn: AsyncConnection, case_id: str, center: str, before: Clocks, after: Clocks
) -> None:
    """Write the clocks that changed, in part order (so concurrent writers lock alike)."""
    for part in sorted(after):
        clock = after[part]
        if before.get(part) == clock:
            continue
        if part in before:
            where = (lights.c.case_id == case_id) & (lights.c.part == part)
            await conn.execute(update(lights).where(where).values(**clock_values(clock)))
        else:
            values = {"case_id": case_id, "part": part, "center": center, "rungs": ""}
            await conn.execute(insert(lights).values(**values, **clock_values(clock)))


async def set_light(conn: AsyncConnection, case_id: str, part: str, **values: Any) -> None:
    """Update the light columns (color, color_since, rungs, next_change_at) of one part."""
    where = (lights.c.case_id == case_id) & (lights.c.part == part)
    await conn.execute(update(lights).where(where).values(**values))


async def load_many(
    conn: AsyncConnection, case_ids: Iterable[str], *, lock: bool = False
) -> dict[str, dict[str, LightRow]]:
    """The lights of several cases by case and part, locked in key order when asked."""
    ids = sorted(set(case_ids))
    query = (
        select(lights).where(lights.c.case_id.in_(ids)).order_by(lights.c.case_id, lights.c.part)
    )
    if lock:
        query = query.with_for_update()
    found: dict[str, dict[str, LightRow]] = {case_id: {} for case_id in ids}
    for r in (await conn.execute(query)).mappings():
        found[r["case_id"]][r["part"]] = from_row(r)
    return found


CHANGING = """
SELECT * FROM lights
WHERE (suspended_since IS NULL AND completed_at IS NULL AND closed_at IS NULL)
   OR next_change_at IS NOT NULL
"""


async def load_changing(conn: AsyncConnection) -> list[LightRow]:
    """Every light whose clock runs or that says it changes (a stopped clock never changes);
    on PostgreSQL read on the driver, without SQLAlchemy's per-value processing."""
    if not is_postgres(conn):
        stopped = lights.c.suspended_since.isnot(None) | lights.c.completed_at.isnot(None)
        stopped |= lights.c.closed_at.isnot(None)
        query = select(lights).where(~stopped | lights.c.next_change_at.isnot(None))
        return [from_row(r) for r in (await conn.execute(query)).mappings()]
    driver = await in_transaction(conn)
    found = await driver.fetch(CHANGING)
    return [from_row({**r, "pauses": _parsed(r["pauses"])}) for r in found]


def _parsed(pauses: Any) -> Any:
    """The pauses column as data: JSON text, unless the connection decodes JSON itself."""
    return json.loads(pauses) if isinstance(pauses, str) else pauses


def row_values(row: LightRow) -> dict[str, Any]:
    """Every column of a light."""
    return {
        "center": row.center,
        **clock_values(row.clock),
        "color": row.color,
        "color_since": row.color_since,
        "rungs": ",".join(sorted(row.fired)),
        "next_change_at": row.next_change_at,
    }


async def write_many(conn: AsyncConnection, new: list[LightRow], changed: list[LightRow]) -> None:
    """Insert the `new` lights (COPY) and rewrite the `changed` ones (one statement)."""
    await insert_rows(
        conn, lights, [{"case_id": r.case_id, "part": r.part, **row_values(r)} for r in new]
    )
    rows = [{"case_id": r.case_id, "part": r.part, **row_values(r)} for r in changed]
    await update_rows(conn, lights, KEY, rows)


def as_stored(row: LightRow) -> LightRow:
    """The light as the table hands it back (instants in UTC), so a row kept in memory reads,
    and is published, exactly as one read again (pauses keep their JSON text either way)."""
    c = row.clock
    if _in_utc(row, c):  # most rows: nothing to replace (a replace costs as much as the fold)
        return row
    d = c.deadline
    if d.at.tzinfo is not UTC:
        d = deadline_of(d.at.astimezone(UTC), d.due_day, d.provisional)
    # Built, not `replace`d: dataclasses.replace cost a rebuild a sixth of its client CPU.
    clock = CaseClock(
        deadline=d,
        limit_days=c.limit_days,
        started_at=_utc(c.started_at),
        department=c.department,
        stage=c.stage,
        suspended_since=_utc(c.suspended_since),
        completed_at=_utc(c.completed_at),
        closed_at=_utc(c.closed_at),
        outcome=c.outcome,
        used_days=c.used_days,
        kind=c.kind,
        pauses=c.pauses,
        extension_days=c.extension_days,
    )
    return with_clock(row, clock, _utc(row.color_since), _utc(row.next_change_at))


def with_clock(
    row: LightRow, clock: CaseClock, color_since: datetime | None, next_change_at: datetime | None
) -> LightRow:
    """The light with another clock (`replace` without its cost)."""
    return LightRow(
        row.case_id, row.part, row.center, clock, row.color, color_since, row.fired, next_change_at
    )


def _in_utc(row: LightRow, c: CaseClock) -> bool:
    instants = [c.started_at, c.suspended_since, c.completed_at, c.closed_at, row.color_since]
    instants.append(row.next_change_at)
    return c.deadline.at.tzinfo is UTC and all(i is None or i.tzinfo is UTC for i in instants)


@overload
def _utc(at: datetime) -> datetime: ...
@overload
def _utc(at: None) -> None: ...
def _utc(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo is UTC else at.astimezone(UTC)


async def set_next_changes(conn: AsyncConnection, moved: list[LightRow]) -> None:
    """Update only `next_change_at` of these lights, in one executemany."""
    rows = [
        {"case_id": r.case_id, "part": r.part, "next_change_at": r.next_change_at} for r in moved
    ]
    await update_rows(conn, lights, KEY, rows)

"""Rows of the `lights` table as clocks with the light they show, and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.caseclock import pauses_from_json
from services.supervision.adapters.tables import lights
from services.supervision.domain.clock import CaseClock, Clocks, deadline_of
from services.supervision.domain.lights import Color, Outcome


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
        outcome=cast(Outcome | None, row["outcome"]),
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
        cast(Color | None, row["color"]),
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

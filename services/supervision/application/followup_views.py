"""Opinions, complaints, notices, ratings and anomalies as lists, each loop with its light."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role
from libs.events.calendar import WorkCalendar
from services.supervision.adapters.tables import (
    anomalies,
    complaints,
    notices,
    opinions,
    ratings,
)
from services.supervision.application.context import Supervision
from services.supervision.domain.followups import loop_light
from services.supervision.domain.scope import scope_of


@dataclass(frozen=True)
class Loop:
    """Which columns of a table open (and order, newest first), bound and close a loop."""

    table: Table
    opened: str
    due: str
    answered: str


LOOPS = {
    "opinions": Loop(opinions, "issued_at", "answer_by", "answered_at"),
    "complaints": Loop(complaints, "filed_at", "answer_by", "resolved_at"),
    "notices": Loop(notices, "issued_at", "rectify_by", "answered_at"),
    "ratings": Loop(ratings, "rated_at", "answer_by", "answered_at"),
    "anomalies": Loop(anomalies, "detected_at", "", ""),
}


def _with_light(
    row: dict[str, Any], loop: Loop, now: datetime, cal: WorkCalendar
) -> dict[str, Any]:
    if not loop.due or row.get(loop.due) is None:
        return {**row, "light": None}
    # A rating answered, then sent back by an upheld appeal, runs again until answered anew.
    answered = row[loop.answered] if row.get("status") not in ("open", "awaiting_answer") else None
    light = loop_light(
        opened_at=row[loop.opened],
        answer_by=row[loop.due],
        answered_at=answered,
        now=now,
        calendar=cal,
    )
    return {**row, "light": {"color": light.color, "remaining": light.remaining}}


async def _visible(
    conn: AsyncConnection, loop: Loop, principal: Principal, sv: Supervision
) -> list[dict[str, Any]]:
    t = loop.table
    query = select(t).order_by(t.c[loop.opened].desc())
    if principal.role == Role.applicant:
        who = t.c.rated_by if t is ratings else t.c.filed_by if t is complaints else None
        if who is None:
            return []
        query = query.where(who == principal.sub)
        return [dict(r) for r in (await conn.execute(query)).mappings()]
    scope = scope_of(principal, sv.tree)
    rows = (await conn.execute(query.where(t.c.center.in_(sorted(scope.centers))))).mappings()
    return [dict(r) for r in rows if scope.allows(r["center"], r["department"])]


async def list_loops(
    kind: str, *, sv: Supervision, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    """The visible items of one kind, newest first, with their lights."""
    loop = LOOPS[kind]
    now = sv.clock.now()
    async with sv.engine.connect() as conn:
        cal = await sv.calendars.get(conn)
        rows = await _visible(conn, loop, principal, sv)
    return [
        _with_light(r, loop, now, cal) for r in rows if status is None or r.get("status") == status
    ]

"""Opinions, complaints, notices, ratings and anomalies as lists, each loop with its light."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, false, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role
from libs.events.calendar import WorkCalendar
from libs.events.paging import keyset
from services.supervision.adapters.tables import (
    anomalies,
    complaints,
    notices,
    opinions,
    ratings,
)
from services.supervision.application.ports import LoopPage
from services.supervision.application.scope import scope_of
from services.supervision.domain.followups import loop_light
from services.supervision.domain.scope import CenterTree


@dataclass(frozen=True)
class Loop:
    """Which columns of a table open (and order, newest first), bound and close a loop, and
    which one is its id (the order's tie-break)."""

    table: Table
    opened: str
    due: str
    answered: str
    id: str


LOOPS = {
    "opinions": Loop(opinions, "issued_at", "answer_by", "answered_at", "opinion_id"),
    "complaints": Loop(complaints, "filed_at", "answer_by", "resolved_at", "complaint_id"),
    "notices": Loop(notices, "issued_at", "rectify_by", "answered_at", "notice_id"),
    "ratings": Loop(ratings, "rated_at", "answer_by", "answered_at", "rating_id"),
    "anomalies": Loop(anomalies, "detected_at", "", "", "anomaly_id"),
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


def _visible(loop: Loop, principal: Principal, tree: CenterTree, page: LoopPage) -> Select[Any]:
    """The rows this principal may see, searched by status and department, in SQL."""
    t = loop.table
    query = select(t)
    if page.status is not None:
        query = query.where(t.c.status == page.status)
    if principal.role == Role.applicant:
        who = t.c.rated_by if t is ratings else t.c.filed_by if t is complaints else None
        return query.where(false() if who is None else who == principal.sub)
    scope = scope_of(principal, tree).narrowed(None, page.department, tree)
    query = query.where(t.c.center.in_(sorted(scope.centers)))
    return query if scope.department is None else query.where(t.c.department == scope.department)


async def list_loops(
    conn: AsyncConnection,
    kind: str,
    *,
    tree: CenterTree,
    principal: Principal,
    page: LoopPage,
    now: datetime,
    calendar: WorkCalendar,
) -> list[dict[str, Any]]:
    """The visible items of one kind, newest first, with their lights: every one, or one page
    (and one more, to tell a next page exists)."""
    loop = LOOPS[kind]
    order = (loop.table.c[loop.opened], loop.table.c[loop.id])
    query = _visible(loop, principal, tree, page)
    if page.limit is None:
        query = query.order_by(*(c.desc() for c in order))
    else:
        query = keyset(query, order, page.cursor, limit=page.limit, descending=True)
    rows = [dict(r) for r in (await conn.execute(query)).mappings()]
    return [_with_light(r, loop, now, calendar) for r in rows]

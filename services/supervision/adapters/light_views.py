"""Lights as people read them: each clock evaluated at an instant, now or any other.

Without `at`, the stored clocks are evaluated at now. With `at`, each case's ledger is folded up
to that instant first, so a pause, extension or decision that came later does not leak back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import WorkCalendar
from services.supervision.adapters import light_rows
from services.supervision.adapters.ledger_rows import read_history
from services.supervision.adapters.tables import lights, supervised_cases
from services.supervision.domain.clock import Clocks, fold
from services.supervision.domain.light_view import LightView, view
from services.supervision.domain.scope import Scope


async def case_rows(
    conn: AsyncConnection, scope: Scope, case_ids: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The visible cases (all of the scope's, or the given ones) by id."""
    t = supervised_cases
    query = select(t).where(t.c.center.in_(sorted(scope.centers)))
    if scope.department is not None:
        query = query.where(t.c.department == scope.department)
    if case_ids is not None:
        query = query.where(t.c.case_id.in_(list(case_ids)))
    rows = (await conn.execute(query)).mappings().all()
    return {r["case_id"]: dict(r) for r in rows}


async def current_lights(
    conn: AsyncConnection, scope: Scope, now: datetime, cal: WorkCalendar, *, open_only: bool
) -> list[LightView]:
    """Every visible light evaluated at now from the stored clocks."""
    query = select(lights).where(lights.c.center.in_(sorted(scope.centers)))
    if scope.department is not None:
        query = query.where(lights.c.department == scope.department)
    if open_only:
        query = query.where(lights.c.completed_at.is_(None), lights.c.closed_at.is_(None))
    rows = [light_rows.from_row(r) for r in (await conn.execute(query)).mappings()]
    cases = await case_rows(conn, scope, sorted({r.case_id for r in rows}))
    return [
        view(r.case_id, r.part, r.clock, cases[r.case_id], now, cal)
        for r in rows
        if r.case_id in cases
    ]


async def lights_at(
    conn: AsyncConnection,
    scope: Scope,
    at: datetime,
    cal: WorkCalendar,
    *,
    known_by: datetime | None = None,
) -> list[LightView]:
    """Every visible light as it stood at `at`, from each case's ledger up to then (and, for a
    report reproduced later, only what supervision had learned by `known_by`)."""
    cases = {
        case_id: case
        for case_id, case in (await case_rows(conn, scope)).items()
        if case["accepted_at"] is None or case["accepted_at"] <= at
    }
    histories = await read_history(conn, list(cases), until=at, known_by=known_by)
    found = []
    for case_id, history in histories.items():
        clocks: Clocks = {}
        for happened in history:
            clocks = fold(clocks, happened.event, cal)
        found += [view(case_id, p, c, cases[case_id], at, cal) for p, c in sorted(clocks.items())]
    return found

"""The statistics records of the visible cases, and the loops counted per window."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.supervision.adapters.tables import anomalies, complaints, ratings, supervised_cases
from services.supervision.application.ports import WindowLoops
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import CaseRecord, Period

RECORD_FIELDS = [f for f in CaseRecord.__dataclass_fields__ if f not in ("department",)]


async def records(conn: AsyncConnection, scope: Scope) -> list[CaseRecord]:
    """The statistics records of the visible cases."""
    t = supervised_cases
    query = select(t).where(t.c.center.in_(sorted(scope.centers)))
    if scope.department is not None:
        query = query.where(t.c.department == scope.department)
    rows = (await conn.execute(query)).mappings().all()
    return [
        CaseRecord(department=r["department"] or "", **{f: r[f] for f in RECORD_FIELDS})
        for r in rows
    ]


async def window_loops(conn: AsyncConnection, scope: Scope, period: Period) -> WindowLoops:
    """Per window: ratings given in the period, complaints open, anomalies found."""
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in await conn.execute(select(ratings)):
        if scope.allows(r.center, r.department) and period.holds(r.rated_at, None):
            scores[(r.center, r.department)].append(r.score)
    unresolved = Counter(
        (r.center, r.department)
        for r in await conn.execute(select(complaints).where(complaints.c.status == "open"))
        if scope.allows(r.center, r.department) and r.filed_at <= period.as_of
    )
    found = Counter(
        (r.center, r.department)
        for r in await conn.execute(select(anomalies))
        if scope.allows(r.center, r.department) and period.holds(r.detected_at, None)
    )
    return scores, unresolved, found

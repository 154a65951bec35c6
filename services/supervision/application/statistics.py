"""Statistics, trend and window ranking over the visible cases (see domain/stats.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import SHANGHAI
from services.supervision.adapters.tables import anomalies, complaints, ratings, supervised_cases
from services.supervision.application.context import Supervision
from services.supervision.domain.ranking import Window, rank
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import (
    DEFINITIONS,
    GROUP_KEYS,
    CaseRecord,
    Period,
    figures,
    grouped,
    rolling,
)

RECORD_FIELDS = [f for f in CaseRecord.__dataclass_fields__ if f not in ("department",)]


def start_of(day: date) -> datetime:
    """Midnight (Beijing time) starting `day`."""
    return datetime.combine(day, time(0), SHANGHAI)


@dataclass(frozen=True)
class Span:
    """A reporting period in Beijing days: `first` to `last` inclusive, known as of `as_of`."""

    first: date
    last: date
    as_of: datetime

    @property
    def period(self) -> Period:
        """The same window as instants."""
        return Period(start_of(self.first), start_of(self.last + timedelta(days=1)), self.as_of)

    def as_dict(self) -> dict[str, Any]:
        """How the period is echoed back (a report can be reproduced from it)."""
        return {"from": self.first, "to": self.last, "as_of": self.as_of}


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


async def statistics(
    sv: Supervision, scope: Scope, span: Span, *, group_by: str | None
) -> dict[str, Any]:
    """Totals over the period and, when asked, per center, department or item."""
    async with sv.engine.connect() as conn:
        found = await records(conn, scope)
    body: dict[str, Any] = {**span.as_dict(), **figures(found, span.period).as_dict()}
    body["definitions"] = DEFINITIONS
    if group_by is not None:
        groups = grouped(found, span.period, GROUP_KEYS[group_by])
        body["groups"] = [{group_by: k, **f.as_dict()} for k, f in groups.items()]
    return body


async def trend(
    sv: Supervision, scope: Scope, *, now: datetime, days: int, window: int
) -> list[dict[str, Any]]:
    """Rolling on-time and early rates for each of the last `days` days."""
    async with sv.engine.connect() as conn:
        found = await records(conn, scope)
    last = start_of(now.astimezone(SHANGHAI).date() + timedelta(days=1))
    points = rolling(found, last=last, days=days, window=window)
    return [
        {
            "day": (end - timedelta(days=1)).astimezone(SHANGHAI).date(),
            "on_time_rate": f.on_time_rate,
            "early_rate": f.early_rate,
            "completed": f.completed,
        }
        for end, f in points
    ]


async def windows(conn: AsyncConnection, scope: Scope, span: Span) -> list[Window]:
    """Every window (center, department) with its figures, ratings, complaints and anomalies."""
    period = span.period
    per_window = grouped(
        await records(conn, scope), period, lambda r: f"{r.center}\t{r.department}"
    )
    scores, unresolved, found = await _window_loops(conn, scope, period)
    result = []
    for key, f in per_window.items():
        center, department = key.split("\t")
        at = (center, department)
        result.append(Window(center, department, f, tuple(scores[at]), unresolved[at], found[at]))
    return result


async def _window_loops(
    conn: AsyncConnection, scope: Scope, period: Period
) -> tuple[dict[tuple[str, str], list[int]], Counter[tuple[str, str]], Counter[tuple[str, str]]]:
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


async def ranking(sv: Supervision, scope: Scope, span: Span) -> list[dict[str, Any]]:
    """窗口评优: windows best first."""
    async with sv.engine.connect() as conn:
        found = await windows(conn, scope, span)
        naming = await sv.naming(conn)
    return [
        {
            "rank": position,
            "center": w.center,
            "department": w.department,
            "department_name": naming.department(w.department, w.center),
            "center_name": naming.center(w.center),
            "score": w.score,
            "on_time_rate": w.figures.on_time_rate,
            "good_rate": w.good_rate,
            "average_rating": w.average_rating,
            "ratings": len(w.scores),
            "open_complaints": w.open_complaints,
            "anomalies": w.anomalies,
            **{
                k: v
                for k, v in w.figures.as_dict().items()
                if k in ("accepted", "completed", "overdue")
            },
        }
        for position, w in rank(found)
    ]

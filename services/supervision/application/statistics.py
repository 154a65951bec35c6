"""Statistics, trend and window ranking over the visible cases (see domain/stats.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from libs.events.clock import SHANGHAI
from libs.events.uow import UnitOfWork
from services.supervision.application.naming import naming_of
from services.supervision.application.ports import SupervisionViews
from services.supervision.config import Settings
from services.supervision.domain.ranking import Window, rank
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import (
    DEFINITIONS,
    GROUP_KEYS,
    Period,
    figures,
    grouped,
    rolling,
)


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


async def statistics(
    scope: Scope, span: Span, *, uow: UnitOfWork[SupervisionViews], group_by: str | None
) -> dict[str, Any]:
    """Totals over the period and, when asked, per center, department or item."""
    async with uow.begin() as tx:
        found = await tx.views.records(scope)
    body: dict[str, Any] = {**span.as_dict(), **figures(found, span.period).as_dict()}
    body["definitions"] = DEFINITIONS
    if group_by is not None:
        groups = grouped(found, span.period, GROUP_KEYS[group_by])
        body["groups"] = [{group_by: k, **f.as_dict()} for k, f in groups.items()]
    return body


async def trend(
    scope: Scope, *, uow: UnitOfWork[SupervisionViews], now: datetime, days: int, window: int
) -> list[dict[str, Any]]:
    """Rolling on-time and early rates for each of the last `days` days."""
    async with uow.begin() as tx:
        found = await tx.views.records(scope)
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


async def windows(views: SupervisionViews, scope: Scope, span: Span) -> list[Window]:
    """Every window (center, department) with its figures, ratings, complaints and anomalies."""
    period = span.period
    per_window = grouped(
        await views.records(scope), period, lambda r: f"{r.center}\t{r.department}"
    )
    scores, unresolved, found = await views.window_loops(scope, period)
    result = []
    for key, f in per_window.items():
        center, department = key.split("\t")
        at = (center, department)
        result.append(Window(center, department, f, tuple(scores[at]), unresolved[at], found[at]))
    return result


async def ranking(
    scope: Scope, span: Span, *, uow: UnitOfWork[SupervisionViews], settings: Settings
) -> list[dict[str, Any]]:
    """窗口评优: windows best first."""
    async with uow.begin() as tx:
        found = await windows(tx.views, scope, span)
        naming = naming_of(await tx.views.names(), settings)
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

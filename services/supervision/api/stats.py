"""Statistics per center (with the centers below it), department, item and period; ranking."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from libs.events.http import CenterCode, Problem
from libs.events.instants import BeijingRoute
from services.supervision.api.deps import AppDep, ScopeDep
from services.supervision.api.schemas import RankedWindowRead, StatsRead, TrendPointRead
from services.supervision.application.reports import today
from services.supervision.application.statistics import Span, ranking, statistics, trend

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["statistics"])
From = Annotated[date | None, Query(alias="from", description="first day (Beijing), inclusive")]
To = Annotated[date | None, Query(description="last day (Beijing), inclusive; default today")]
AsOf = Annotated[
    datetime | None, Query(description="count only what was known then: reproduces a past report")
]


def span(now: datetime, first: date | None, last: date | None, as_of: datetime | None) -> Span:
    """The requested period; by default this month up to today, as of now."""
    last = last or today(now)
    first = first or last.replace(day=1)
    if first > last:
        raise Problem(
            422,
            f"from ({first}) is after to ({last})",
            rule="DateRangeReversed",
            detail_zh=f"开始日期（{first}）不能晚于结束日期（{last}）",
        )
    return Span(first, last, as_of or now)


@router.get("/stats")
async def get_stats(
    scope: ScopeDep,
    app: AppDep,
    start: From = None,
    to: To = None,
    as_of: AsOf = None,
    center: CenterCode | None = None,
    department: str | None = None,
    group_by: Literal["center", "department", "item"] | None = None,
) -> StatsRead:
    """Received, accepted, completed, 按期办结率, 提前办结率, overdue, average working days."""
    narrowed = scope.narrowed(center, department, app.tree)
    period = span(app.clock.now(), start, to, as_of)
    found = await statistics(narrowed, period, uow=app.uow, group_by=group_by)
    return StatsRead.model_validate(found)


@router.get("/stats/trend")
async def get_trend(
    scope: ScopeDep,
    app: AppDep,
    days: Annotated[int, Query(ge=1, le=366)] = 14,
    window: Annotated[int, Query(ge=1, le=366)] = 30,
    center: CenterCode | None = None,
    department: str | None = None,
) -> list[TrendPointRead]:
    """Rolling on-time and early rates, one point per day."""
    narrowed = scope.narrowed(center, department, app.tree)
    points = await trend(narrowed, uow=app.uow, now=app.clock.now(), days=days, window=window)
    return [TrendPointRead.model_validate(p) for p in points]


@router.get("/ranking")
async def get_ranking(
    scope: ScopeDep,
    app: AppDep,
    start: From = None,
    to: To = None,
    as_of: AsOf = None,
    center: CenterCode | None = None,
) -> list[RankedWindowRead]:
    """窗口评优: windows ranked by on-time rate and ratings, less complaints and anomalies."""
    narrowed = scope.narrowed(center, None, app.tree)
    period = span(app.clock.now(), start, to, as_of)
    ranked = await ranking(narrowed, period, uow=app.uow, settings=app.settings)
    return [RankedWindowRead.model_validate(w) for w in ranked]

"""Projects (并联审批): the green-channel tracking list and statistics per project series."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from libs.events.http import CODE_PATTERN
from libs.events.instants import BeijingRoute
from libs.events.paging import MAX_PAGE, Cursor, PageSize, finish, page_in_memory
from services.supervision.api.deps import AppDep, ScopeDep
from services.supervision.api.project_schemas import GreenChannelRead, SeriesStatsRead
from services.supervision.application.ports import Row
from services.supervision.application.projects import green_channel, series_statistics

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["projects"])


@router.get("/projects/green-channel")
async def get_green_channel(
    scope: ScopeDep,
    app: AppDep,
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: PageSize = MAX_PAGE,
) -> list[GreenChannelRead]:
    """跟踪督办: green-channel projects, the stage each is in, its parts' lights and the worst;
    longest in the green channel first, one page (the next page's cursor in `Next-Cursor`)."""

    def key(project: Row) -> list[Any]:
        since = project["green_since"]
        return [since.isoformat() if since else "", project["project_id"]]

    found = sorted(await green_channel(scope, uow=app.uow), key=key)
    rows = page_in_memory(found, key, cursor, limit=limit)
    page = finish(rows, key, limit=limit, request=request, response=response)
    return [GreenChannelRead.model_validate(p) for p in page]


@router.get("/projects/stats")
async def get_project_stats(
    scope: ScopeDep,
    app: AppDep,
    series: Annotated[str | None, Query(pattern=CODE_PATTERN, description="a series code")] = None,
) -> list[SeriesStatsRead]:
    """Per series: projects, elapsed working days per project and stage, on-time parts."""
    found = await series_statistics(scope, series, uow=app.uow)
    return [SeriesStatsRead.model_validate(s) for s in found]

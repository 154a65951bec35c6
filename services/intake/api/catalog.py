"""Catalogue and calendar routes of the intake API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from libs.events.calendar import YearSchedule
from libs.events.contract import Kind
from libs.events.instants import BeijingRoute
from services.intake.api.deps import Admin, AppDep
from services.intake.api.schemas import CalendarLoaded, ItemRead
from services.intake.application import catalog_queries
from services.intake.application.load_calendar import load_calendar_year
from services.intake.application.publish_item import PublishItem, publish_item
from services.intake.application.retire_item import RetireCatalogItem, retire_item
from services.intake.domain.catalog import CODE_PATTERN, ItemSpec, RetireItem

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["catalogue"])
ItemCode = Annotated[str, Path(pattern=CODE_PATTERN, description="the item's code")]


@router.put("/catalog/items/{code}")
async def put_item(
    code: ItemCode, spec: ItemSpec, principal: Admin, app: AppDep, response: Response
) -> ItemRead:
    """Publish a new version of an item (201), or confirm an unchanged one (200)."""
    command = PublishItem(code=code, spec=spec, by=principal.sub)
    published = await publish_item(
        command, uow=app.uow, clock=app.clock, center=app.settings.center_code
    )
    response.status_code = 201 if published.created else 200
    return ItemRead.of(published.item)


@router.post("/catalog/items/{code}/retire")
async def post_retire_item(
    code: ItemCode, order: RetireItem, principal: Admin, app: AppDep
) -> ItemRead:
    """Withdraw an item (a law repealed, a 审改 round): no new cases; open cases go on."""
    command = RetireCatalogItem(code=code, order=order, by=principal.sub)
    item = await retire_item(command, uow=app.uow, clock=app.clock, center=app.settings.center_code)
    return ItemRead.of(item)


@router.get("/catalog/items")
async def list_items(
    app: AppDep,
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    kind: Kind | None = None,
    online: bool | None = None,
    retired: Annotated[bool | None, Query(description="only retired, or only current")] = None,
) -> list[ItemRead]:
    """The current version of every item, retired ones marked; public, like the printed
    catalogue in the hall."""
    items = await catalog_queries.list_items(
        uow=app.uow, department=department, kind=kind, online=online, retired=retired
    )
    return [ItemRead.of(i) for i in items]


@router.get("/catalog/items/{code}")
async def get_item(
    code: ItemCode,
    app: AppDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> ItemRead:
    """The current version of an item, or the given `version`."""
    return ItemRead.of(await catalog_queries.get_item(code, version, uow=app.uow))


@router.get("/catalog/items/{code}/versions")
async def get_item_versions(code: ItemCode, app: AppDep) -> list[ItemRead]:
    """Every version of an item, oldest first."""
    return [ItemRead.of(i) for i in await catalog_queries.item_versions(code, uow=app.uow)]


@router.put("/calendar/{year}", tags=["calendar"])
async def put_calendar_year(
    year: Annotated[int, Path(ge=2000, le=2200)],
    schedule: YearSchedule,
    principal: Admin,
    app: AppDep,
) -> CalendarLoaded:
    """Load a year's official schedule; provisional deadlines of open cases are recomputed."""
    loaded = await load_calendar_year(
        schedule, principal.sub, year=year, uow=app.uow, clock=app.clock
    )
    return CalendarLoaded(year=loaded.year, recomputed=loaded.recomputed)

"""Catalogue and calendar routes of the intake API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from libs.events.calendar import YearSchedule
from libs.events.contract import Kind
from libs.events.instants import BeijingRoute
from services.intake.adapters import catalog
from services.intake.api.deps import Admin, RuntimeDep
from services.intake.api.schemas import CalendarLoaded, ItemRead
from services.intake.application.load_calendar import load_calendar_year
from services.intake.application.publish_item import publish_item
from services.intake.application.retire_item import retire_item
from services.intake.domain.catalog import CODE_PATTERN, ItemSpec, ItemVersion, RetireItem
from services.intake.domain.rules import ScheduleYearMismatch, UnknownItem

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["catalogue"])
ItemCode = Annotated[str, Path(pattern=CODE_PATTERN, description="the item's code")]


@router.put("/catalog/items/{code}", response_model=ItemRead)
async def put_item(
    code: ItemCode, spec: ItemSpec, principal: Admin, runtime: RuntimeDep, response: Response
) -> ItemVersion:
    """Publish a new version of an item (201), or confirm an unchanged one (200)."""
    published = await publish_item(runtime=runtime, code=code, spec=spec, by=principal.sub)
    response.status_code = 201 if published.created else 200
    return published.item


@router.post("/catalog/items/{code}/retire", response_model=ItemRead)
async def post_retire_item(
    code: ItemCode, order: RetireItem, principal: Admin, runtime: RuntimeDep
) -> ItemVersion:
    """Withdraw an item (a law repealed, a 审改 round): no new cases; open cases go on."""
    return await retire_item(runtime=runtime, code=code, order=order, by=principal.sub)


@router.get("/catalog/items", response_model=list[ItemRead])
async def list_items(
    runtime: RuntimeDep,
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    kind: Kind | None = None,
    online: bool | None = None,
    retired: Annotated[bool | None, Query(description="only retired, or only current")] = None,
) -> list[ItemVersion]:
    """The current version of every item, retired ones marked; public, like the printed
    catalogue in the hall."""
    async with runtime.engine.connect() as conn:
        items = await catalog.current_items(conn, department=department, kind=kind, online=online)
    return [i for i in items if retired is None or (i.retired is not None) == retired]


@router.get("/catalog/items/{code}", response_model=ItemRead)
async def get_item(
    code: ItemCode,
    runtime: RuntimeDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> ItemVersion:
    """The current version of an item, or the given `version`."""
    async with runtime.engine.connect() as conn:
        if version is None:
            item = await catalog.current_item(conn, code)
        else:
            item = await catalog.item_version(conn, code, version)
    if item is None:
        suffix = "" if version is None else f" version {version}"
        raise UnknownItem(f"item {code}{suffix} is not in the catalogue")
    return item


@router.get("/catalog/items/{code}/versions", response_model=list[ItemRead])
async def get_item_versions(code: ItemCode, runtime: RuntimeDep) -> list[ItemVersion]:
    """Every version of an item, oldest first."""
    async with runtime.engine.connect() as conn:
        found = await catalog.versions(conn, code)
    if not found:
        raise UnknownItem(f"item {code} is not in the catalogue")
    return found


@router.put("/calendar/{year}", response_model=CalendarLoaded, tags=["calendar"])
async def put_calendar_year(
    year: Annotated[int, Path(ge=2000, le=2200)],
    schedule: YearSchedule,
    principal: Admin,
    runtime: RuntimeDep,
) -> CalendarLoaded:
    """Load a year's official schedule; provisional deadlines of open cases are recomputed."""
    if schedule.year != year:
        raise ScheduleYearMismatch(
            f"the path says {year} but the schedule is for {schedule.year}", field="year"
        )
    loaded = await load_calendar_year(runtime=runtime, schedule=schedule, by=principal.sub)
    return CalendarLoaded(year=loaded.year, recomputed=loaded.recomputed)

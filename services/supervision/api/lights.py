"""Lights of many cases: the list (now or at another instant), the wall board and the live feed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from sse_starlette import EventSourceResponse

from libs.events.contract import Color
from libs.events.http import CODE_PATTERN, CenterCode
from libs.events.instants import BeijingRoute, in_beijing
from libs.events.paging import (
    MAX_PAGE,
    Cursor,
    InvalidCursor,
    PageSize,
    decode_cursor,
    finish,
    page_in_memory,
)
from services.supervision.api.deps import AppDep, ScopeDep, StreamPrincipal
from services.supervision.api.schemas import BoardRead, PartLightRead
from services.supervision.application.board import board
from services.supervision.application.light_events import light_feed
from services.supervision.application.lights import lights
from services.supervision.application.ports import Row
from services.supervision.application.scope import scope_of
from services.supervision.domain.light_view import LightView

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["lights"])


@router.get("/lights")
async def list_lights(
    scope: ScopeDep,
    app: AppDep,
    request: Request,
    response: Response,
    center: CenterCode | None = None,
    department: str | None = None,
    color: Color | None = None,
    item_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    at: Annotated[datetime | None, Query(description="evaluate at this instant (ISO 8601)")] = None,
    cursor: Cursor = None,
    limit: PageSize = MAX_PAGE,
) -> list[PartLightRead]:
    """Lights of the visible cases and joint parts, now or as they stood at `at`, least time
    left first, one page (the next page's cursor in `Next-Cursor`). A cursor keeps the instant
    its walk began at: later pages are evaluated then too, so time passing (a paused clock
    overtaken by running ones) neither loses nor repeats a light."""
    narrowed = scope.narrowed(center, department, app.tree)
    began = walk_began(cursor) or at or app.clock.now()
    views = await lights(narrowed, uow=app.uow, now=began, at=at)
    found = _shown(views, color, item_code)

    def key(light: dict[str, Any]) -> list[Any]:
        return [began, light["remaining"], light["case_id"], light["part"]]

    rows = page_in_memory(sorted(found, key=key), key, cursor, limit=limit)
    page = finish(rows, key, limit=limit, request=request, response=response)
    return [PartLightRead.model_validate(light) for light in page]


def _shown(views: list[LightView], color: Color | None, item_code: str | None) -> list[Row]:
    """The lights of this colour and item (either unset: any)."""
    return [
        v.as_dict()
        for v in views
        if (color is None or v.color == color) and item_code in (None, v.case.get("item_code"))
    ]


def walk_began(cursor: str | None) -> datetime | None:
    """The instant a lights cursor's walk was evaluated at (InvalidCursor for any other)."""
    if cursor is None:
        return None
    began = decode_cursor(cursor, size=4)[0]
    if not isinstance(began, datetime) or began.tzinfo is None:
        raise InvalidCursor()
    return began


@router.get("/board")
async def get_board(scope: ScopeDep, app: AppDep) -> BoardRead:
    """The dashboard's data: counts by colour per department and center, warnings, trend."""
    found = await board(scope, uow=app.uow, settings=app.settings, now=app.clock.now())
    return BoardRead.model_validate(found)


@router.get("/stream")
async def stream_lights(
    principal: StreamPrincipal,
    app: AppDep,
    last_event_id: Annotated[int | None, Header(ge=0, le=2**62)] = None,
) -> EventSourceResponse:
    """Server-Sent Events of light changes (`light`) and warning rungs (`warning`)."""
    scope = scope_of(principal, app.tree)

    async def events() -> AsyncIterator[dict[str, Any]]:
        """Each stored change as one SSE message; its id is the store position."""
        poll = app.settings.stream_poll_seconds
        feed = light_feed(scope, uow=app.uow, poll_seconds=poll, after=last_event_id)
        async for position, kind, data in feed:
            text = json.dumps(in_beijing(data, strings=True), ensure_ascii=False)
            yield {"id": str(position), "event": kind, "data": text}

    return EventSourceResponse(events(), ping=15)

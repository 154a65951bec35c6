"""Pages of the follow-up lists (opinions, complaints, notices, ratings, anomalies): newest
first by an opaque keyset cursor, searched by department."""

from __future__ import annotations

from functools import partial
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel

from libs.events.auth import Principal
from libs.events.http import CODE_PATTERN
from libs.events.instants import in_beijing
from libs.events.paging import Cursor, PageSize, finish
from services.supervision.application.loops import list_loops, loop_key
from services.supervision.application.ports import LoopPage
from services.supervision.bootstrap import App

M = TypeVar("M", bound=BaseModel)


def loop_page(
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> LoopPage:
    """The page of a follow-up list, from the query string."""
    return LoopPage(department=department, cursor=cursor, limit=limit)


async def paged(
    kind: str,
    app: App,
    principal: Principal,
    page: LoopPage,
    request: Request,
    response: Response,
    *,
    model: type[M],
) -> list[M]:
    """One page of a follow-up list; the next page's cursor in `Next-Cursor` and `Link`. An
    anomaly's evidence is event data: its instants are rewritten in Beijing time too."""
    rows = await list_loops(kind, uow=app.uow, clock=app.clock, principal=principal, page=page)
    assert page.limit is not None
    key = partial(loop_key, kind)
    found = finish(rows, key, limit=page.limit, request=request, response=response)
    return [model.model_validate(in_beijing(row, strings=True)) for row in found]

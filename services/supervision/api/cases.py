"""One case as supervision sees it: facts, light, and the ledger that explains the light."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from libs.events.auth import Principal
from libs.events.http import CODE_PATTERN, CenterCode, Problem
from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, date_range, finish
from libs.events.words import CaseStatus
from services.supervision.api.deps import Anyone, AppDep, Viewer
from services.supervision.api.schemas import (
    CaseLightRead,
    CaseRead,
    CaseSummaryRead,
    TimelineRead,
)
from services.supervision.application.case_view import (
    case_light,
    case_timeline,
    find_case,
    list_cases,
    list_key,
)
from services.supervision.application.ports import CaseSearch
from services.supervision.application.scope import scope_of
from services.supervision.domain.light_view import shared_status
from services.supervision.domain.scope import Scope

router = APIRouter(route_class=BeijingRoute, prefix="/v1/cases", tags=["cases"])
PRIVATE = frozenset({"applicant_id"})  # kept only to recognise the applicant; never shown


def case_search(
    case_no: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    applicant: Annotated[
        str | None, Query(min_length=1, max_length=100, description="part of a name, or an ID")
    ] = None,
    item_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    status: CaseStatus | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> CaseSearch:
    """The search of a case list, from the query string."""
    date_range(received_from, received_to, field="received_from")
    return CaseSearch(case_no, applicant, item_code, status, received_from, received_to)


def _own_department_only(principal: Principal, scope: Scope, department: str | None) -> None:
    """Department staff list their own department's cases only."""
    if scope.department not in (None, department) and department is not None:
        raise Problem(
            403,
            f"{principal.sub} sees department {scope.department}, not {department}",
            detail_zh=f"{principal.sub} 只能查看部门 {scope.department}，不能查看部门 {department}",
        )


@router.get("")
async def list_visible_cases(
    principal: Anyone,
    app: AppDep,
    search: Annotated[CaseSearch, Depends(case_search)],
    request: Request,
    response: Response,
    center: CenterCode | None = None,
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> list[CaseSummaryRead]:
    """The visible cases with their light now, newest received first, one page (the next
    page's cursor in `Next-Cursor`), searched by number prefix, applicant (name part or whole
    ID number; both masked in answers), center, department, item, status and receipt days."""
    scope = scope_of(principal, app.tree)
    _own_department_only(principal, scope, department)
    rows = await list_cases(
        search,
        scope.narrowed(center, department, app.tree),
        uow=app.uow,
        clock=app.clock,
        principal=principal,
        cursor=cursor,
        limit=limit,
    )
    found = finish(rows, list_key, limit=limit, request=request, response=response)
    return [CaseSummaryRead.model_validate(row) for row in found]


@router.get("/{case_id}")
async def get_case(case_id: str, principal: Viewer, app: AppDep) -> CaseRead:
    """A case as supervision sees it: status, item, department, deadline, outcome."""
    case = await find_case(case_id, uow=app.uow, settings=app.settings, principal=principal)
    shown = {k: v for k, v in case.items() if k not in PRIVATE}
    return CaseRead.model_validate({**shown, **shared_status(case)})


@router.get("/{case_id}/light")
async def get_case_light(case_id: str, principal: Anyone, app: AppDep) -> CaseLightRead:
    """The case's light now: colour, deadline, remaining working days; joint parts and stage."""
    light = await case_light(
        case_id, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return CaseLightRead.model_validate(light)


@router.get("/{case_id}/timeline")
async def get_case_timeline(case_id: str, principal: Anyone, app: AppDep) -> TimelineRead:
    """Why is this colour? Acceptance, pauses, extensions, calendar changes and rungs in Chinese."""
    found = await case_timeline(
        case_id, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return TimelineRead.model_validate(found)

"""Work on cases: the worklist, review, decision, pauses, extension and hand-overs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from libs.events.http import CODE_PATTERN
from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, finish
from services.approval.api.deps import AppDep, Approver, Decider, Reviewer, Staff, Viewer
from services.approval.api.schemas import (
    CaseRead,
    CountersignCreate,
    DecisionCreate,
    ExtensionCreate,
    HandOverCreate,
    ReviewCreate,
    SuspensionCreate,
    WorkItemRead,
)
from services.approval.api.worklist import work_search
from services.approval.application.decide_case import DecideCase, decide_case
from services.approval.application.extend_deadline import ExtendDeadline, extend_deadline
from services.approval.application.hand_over import (
    HandOver,
    RequireCountersign,
    hand_over_case,
    require_countersign_on_case,
)
from services.approval.application.ports import WorkSearch
from services.approval.application.read_work import (
    ReadWorklist,
    read_case,
    read_worklist,
    work_key,
)
from services.approval.application.review_case import ReviewCase, review_case
from services.approval.application.suspend_case import (
    ResumeCase,
    SuspendCase,
    resume_case,
    suspend_case,
)
from services.approval.application.unit import CaseView

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["approval"])


def _read(view: CaseView) -> CaseRead:
    return CaseRead.of(view.case, view.notices)


@router.get("/worklist")
async def worklist(
    approval: AppDep,
    principal: Viewer,
    search: Annotated[WorkSearch, Depends(work_search)],
    request: Request,
    response: Response,
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    mine: bool = False,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> list[WorkItemRead]:
    """The caller's department's open work at this center (joint parts too), oldest deadline
    first, one page (the next page's cursor in `Next-Cursor`), searched in SQL by number prefix,
    applicant (part of the name, or the whole ID number by its keyed hash), item and acceptance
    days; the applicant's name is masked."""
    cmd = ReadWorklist(department, mine, search, cursor, limit)
    rows = await read_worklist(
        cmd, principal=principal, uow=approval.uow, settings=approval.settings
    )
    page = finish(rows, work_key, limit=limit, request=request, response=response)
    return [WorkItemRead.of(row) for row in page]


@router.get("/cases/{case_id}")
async def get_case(case_id: str, approval: AppDep, principal: Viewer) -> CaseRead:
    """A work item: its step, assignee, review, pauses, extension, decision, delivery, and the
    notices sent to the applicant (text, masked phone, when)."""
    return _read(await read_case(case_id, principal=principal, uow=approval.uow))


@router.post("/cases/{case_id}/review")
async def review(
    case_id: str, body: ReviewCreate, approval: AppDep, principal: Reviewer
) -> CaseRead:
    """一审: the reviewer's opinion; the case moves to the approver (or up, when reported)."""
    cmd = ReviewCase(case_id, body.opinion, body.comment)
    return _read(
        await review_case(
            cmd,
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/decide")
async def decide(
    case_id: str, body: DecisionCreate, approval: AppDep, principal: Decider
) -> CaseRead:
    """一核: approve or deny; 403 for the case's reviewer; a denial cites reasons."""
    cmd = DecideCase(case_id, body.decision, body.reasons)
    view = await decide_case(
        cmd,
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
        seals=approval.seals,
    )
    return _read(view)


@router.post("/cases/{case_id}/suspend")
async def suspend(
    case_id: str, body: SuspensionCreate, approval: AppDep, principal: Staff
) -> CaseRead:
    """Stop the clock for correction, hearing, expert review, inspection or public notice."""
    cmd = SuspendCase(case_id, body.procedure, body.reason, body.expected_days)
    return _read(
        await suspend_case(
            cmd,
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/resume")
async def resume(case_id: str, approval: AppDep, principal: Staff) -> CaseRead:
    """Restart the clock; the deadline moves by the paused working days."""
    return _read(
        await resume_case(
            ResumeCase(case_id),
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/extend")
async def extend(
    case_id: str, body: ExtensionCreate, approval: AppDep, principal: Approver
) -> CaseRead:
    """延期: once per case, within the item's cap, before the deadline passes."""
    cmd = ExtendDeadline(case_id, body.days, body.reason)
    return _read(
        await extend_deadline(
            cmd,
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/delegate")
async def delegate(
    case_id: str, body: HandOverCreate, approval: AppDep, principal: Staff
) -> CaseRead:
    """委派: give the current step to another person of the department."""
    cmd = HandOver(case_id, "delegated", body.to, body.reason)
    return _read(
        await hand_over_case(
            cmd,
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/transfer")
async def transfer(
    case_id: str, body: HandOverCreate, approval: AppDep, principal: Staff
) -> CaseRead:
    """转办: hand the work item over to another person of the department."""
    cmd = HandOver(case_id, "transferred", body.to, body.reason)
    return _read(
        await hand_over_case(
            cmd,
            principal=principal,
            uow=approval.uow,
            clock=approval.clock,
            settings=approval.settings,
        )
    )


@router.post("/cases/{case_id}/countersign")
async def countersign(
    case_id: str, body: CountersignCreate, approval: AppDep, principal: Approver
) -> CaseRead:
    """会签: every named approver must sign before the case is approved."""
    cmd = RequireCountersign(case_id, body.approvers, body.reason)
    view = await require_countersign_on_case(
        cmd, principal=principal, uow=approval.uow, clock=approval.clock, settings=approval.settings
    )
    return _read(view)

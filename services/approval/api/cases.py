"""Work on cases: the worklist, review, decision, pauses, extension and hand-overs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from libs.events.auth import Principal
from libs.events.http import CODE_PATTERN, Problem
from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, finish
from services.approval.adapters import deliveries
from services.approval.adapters.worklist_query import WorkSearch, work_key, worklist_page
from services.approval.api.deps import Approver, Ctx, Decider, Reviewer, Staff, Viewer
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
from services.approval.application.hand_over import HandOver, hand_over_case
from services.approval.application.require_countersign import (
    RequireCountersign,
    require_countersign_on_case,
)
from services.approval.application.resume_case import ResumeCase, resume_case
from services.approval.application.review_case import ReviewCase, review_case
from services.approval.application.sealing import issue_document
from services.approval.application.suspend_case import SuspendCase, suspend_case
from services.approval.application.unit import case_for
from services.approval.domain.case import ApprovalCase

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["approval"])


@router.get("/worklist")
async def worklist(
    ctx: Ctx,
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
    wanted = _department_of(principal, department)
    if principal.center != ctx.center:
        raise Problem(
            403,
            f"this approval node serves center {ctx.center}",
            detail_zh=f"本审批节点只服务中心 {ctx.center}",
        )
    async with ctx.runtime.engine.connect() as conn:
        rows = await worklist_page(
            conn,
            held_at=ctx.center,
            department=wanted,
            person=principal.sub if mine else None,
            search=search,
            key=ctx.settings.id_search_key,
            cursor=cursor,
            limit=limit,
        )
    page = finish(rows, work_key, limit=limit, request=request, response=response)
    return [WorkItemRead.of(row) for row in page]


def _department_of(principal: Principal, asked: str | None) -> str:
    if principal.department and asked not in (None, principal.department):
        raise Problem(
            403,
            f"{principal.sub} works for {principal.department}, not {asked}",
            detail_zh=f"{principal.sub} 属于部门 {principal.department}，不能查看部门 {asked}",
        )
    found = principal.department or asked
    if not found:
        raise Problem(
            422,
            "say which department: ?department=CODE",
            detail_zh="请用 ?department=部门编码 指明部门",
        )
    return found


@router.get("/cases/{case_id}")
async def get_case(case_id: str, ctx: Ctx, principal: Viewer) -> CaseRead:
    """A work item: its step, assignee, review, pauses, extension, decision, delivery, and the
    notices sent to the applicant (text, masked phone, when)."""
    async with ctx.runtime.engine.connect() as conn:
        case = await case_for(conn, ctx, case_id, principal, acting=False)
        return CaseRead.of(case, await deliveries.sent_for(conn, case_id))


@router.post("/cases/{case_id}/review")
async def review(case_id: str, body: ReviewCreate, ctx: Ctx, principal: Reviewer) -> CaseRead:
    """一审: the reviewer's opinion; the case moves to the approver (or up, when reported)."""
    return await _act(ctx, principal, review_case, ReviewCase(case_id, body.opinion, body.comment))


@router.post("/cases/{case_id}/decide")
async def decide(case_id: str, body: DecisionCreate, ctx: Ctx, principal: Decider) -> CaseRead:
    """一核: approve or deny; 403 for the case's reviewer; a denial cites reasons."""
    cmd = DecideCase(case_id, body.decision, body.reasons)
    return await _act(ctx, principal, decide_case, cmd)


@router.post("/cases/{case_id}/suspend")
async def suspend(case_id: str, body: SuspensionCreate, ctx: Ctx, principal: Staff) -> CaseRead:
    """Stop the clock for correction, hearing, expert review, inspection or public notice."""
    cmd = SuspendCase(case_id, body.procedure, body.reason, body.expected_days)
    return await _act(ctx, principal, suspend_case, cmd)


@router.post("/cases/{case_id}/resume")
async def resume(case_id: str, ctx: Ctx, principal: Staff) -> CaseRead:
    """Restart the clock; the deadline moves by the paused working days."""
    return await _act(ctx, principal, resume_case, ResumeCase(case_id))


@router.post("/cases/{case_id}/extend")
async def extend(case_id: str, body: ExtensionCreate, ctx: Ctx, principal: Approver) -> CaseRead:
    """延期: once per case, within the item's cap, before the deadline passes."""
    cmd = ExtendDeadline(case_id, body.days, body.reason)
    return await _act(ctx, principal, extend_deadline, cmd)


@router.post("/cases/{case_id}/delegate")
async def delegate(case_id: str, body: HandOverCreate, ctx: Ctx, principal: Staff) -> CaseRead:
    """委派: give the current step to another person of the department."""
    cmd = HandOver(case_id, "delegated", body.to, body.reason)
    return await _act(ctx, principal, hand_over_case, cmd)


@router.post("/cases/{case_id}/transfer")
async def transfer(case_id: str, body: HandOverCreate, ctx: Ctx, principal: Staff) -> CaseRead:
    """转办: hand the work item over to another person of the department."""
    cmd = HandOver(case_id, "transferred", body.to, body.reason)
    return await _act(ctx, principal, hand_over_case, cmd)


@router.post("/cases/{case_id}/countersign")
async def countersign(
    case_id: str, body: CountersignCreate, ctx: Ctx, principal: Approver
) -> CaseRead:
    """会签: every named approver must sign before the case is approved."""
    cmd = RequireCountersign(case_id, body.approvers, body.reason)
    return await _act(ctx, principal, require_countersign_on_case, cmd)


async def _act(
    ctx: Ctx, principal: Principal, handle: Callable[..., Awaitable[ApprovalCase]], cmd: object
) -> CaseRead:
    """Run one case command in its own transaction and answer with the case it leaves; a
    decision's sealed document is rendered once that transaction has committed."""
    async with ctx.runtime.transaction() as conn:
        case = await handle(conn, cmd, ctx=ctx, principal=principal)
        notices = await deliveries.sent_for(conn, case.stream_id)
    if case.decision is not None:
        await issue_document(ctx, case.stream_id)
    return CaseRead.of(case, notices)

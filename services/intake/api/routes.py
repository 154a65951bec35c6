"""Case routes of the intake API: receipt, notice, acceptance, refusal, withdrawal, receipts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from libs.events.auth import CENTER_WIDE_ROLES, Principal, Role
from libs.events.contract import Applicant, Channel
from libs.events.http import CODE_PATTERN, Problem
from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, finish
from libs.events.words import CaseStatus
from services.intake.api.deps import (
    Clerk,
    ClerkOrApplicant,
    DepartmentStaff,
    Reader,
    RuntimeDep,
    SettingsDep,
)
from services.intake.api.schemas import (
    AcceptCreate,
    AcceptRead,
    CaseCreate,
    CaseCreated,
    CaseId,
    CaseRead,
    CaseSummary,
    ExtendCreate,
    RefuseCreate,
    RejectedMaterial,
    StatusRead,
    SupplementCreate,
    SupplementRead,
    WithdrawCreate,
)
from services.intake.application.accept_case import accept_case
from services.intake.application.extend_promise import extend_promise
from services.intake.application.print_receipt import receipt_pdf
from services.intake.application.queries import CaseFilter, get_case, list_cases, list_key
from services.intake.application.refuse_case import refuse_case
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.application.supplement_case import supplement_case
from services.intake.application.withdraw_case import withdraw_case
from services.intake.domain.rules import (
    ApplicantsApplyOnline,
    DateRangeReversed,
    OnlyStaffJudgeMaterials,
)

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["cases"])


def _channel(principal: Principal, requested: Channel | None) -> Channel:
    if principal.role == Role.applicant:
        if requested == "window":
            raise ApplicantsApplyOnline("an applicant's own submission is online", field="channel")
        return "online"
    return requested or "window"


def _judged_by_staff(principal: Principal, rejected: list[RejectedMaterial]) -> None:
    if rejected and principal.role == Role.applicant:
        raise OnlyStaffJudgeMaterials(
            "only the window's staff judge materials; an applicant sends no `rejected` list",
            field="rejected",
        )


@router.post("/cases", status_code=201, response_model=CaseCreated)
async def post_case(
    body: CaseCreate,
    principal: ClerkOrApplicant,
    runtime: RuntimeDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Receive a case; the answer's `missing` is the complete one-time notice (一次告知)."""
    _judged_by_staff(principal, body.rejected)
    center = runtime.settings.center_code
    if principal.role == Role.clerk and principal.center != center:
        raise Problem(
            403,
            f"this intake node serves center {center}, not {principal.center}",
            detail_zh=f"本收件节点只服务中心 {center}，不服务 {principal.center}",
        )
    command = SubmitCase(
        item_code=body.item_code,
        applicant=Applicant(**body.applicant.model_dump()),
        materials=body.materials,
        rejected={r.code: r.reason for r in body.rejected},
        channel=_channel(principal, body.channel),
        submitted_by=principal.sub,
    )
    return await submit_case(command, runtime=runtime, pepper=settings.query_code_pepper)


def case_filter(
    status: CaseStatus | None = None,
    case_no: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    applicant: Annotated[
        str | None, Query(min_length=1, max_length=100, description="part of a name, or an ID")
    ] = None,
    department: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    item_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> CaseFilter:
    """The search of a case list, from the query string."""
    if received_from and received_to and received_from > received_to:
        raise DateRangeReversed(
            f"received_from {received_from} is after received_to {received_to}",
            field="received_from",
        )
    return CaseFilter(status, case_no, applicant, department, item_code, received_from, received_to)


@router.get("/cases", response_model=list[CaseSummary])
async def get_cases(
    principal: Reader,
    runtime: RuntimeDep,
    search: Annotated[CaseFilter, Depends(case_filter)],
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> list[dict[str, Any]]:
    """One page of the caller's center's cases (staff) or the caller's own (applicant), newest
    first, searched by number prefix, applicant (ID masked in answers), department, item,
    status and receipt days; the next page's cursor is in `Next-Cursor` (and `Link`). Staff of
    a department see their department's cases."""
    own = principal.department if principal.role not in CENTER_WIDE_ROLES else None
    if own and search.department not in (None, own):
        raise Problem(
            403,
            f"{principal.sub} sees department {own}'s cases, not {search.department}'s",
            detail_zh=f"只能查看部门 {own} 的案件，不能查看部门 {search.department} 的案件",
        )
    rows = await list_cases(
        runtime=runtime, principal=principal, search=search, cursor=cursor, limit=limit
    )
    return finish(rows, list_key, limit=limit, request=request, response=response)


@router.get("/cases/{case_id}", response_model=CaseRead)
async def get_one_case(case_id: CaseId, principal: Reader, runtime: RuntimeDep) -> dict[str, Any]:
    """A case's current state, deadline and history."""
    return await get_case(runtime=runtime, case_id=case_id, principal=principal)


@router.post("/cases/{case_id}/supplements", response_model=SupplementRead)
async def post_supplement(
    case_id: CaseId, body: SupplementCreate, principal: ClerkOrApplicant, runtime: RuntimeDep
) -> dict[str, Any]:
    """Supplement materials (补正); a further notice names only first-notice materials."""
    _judged_by_staff(principal, body.rejected)
    return await supplement_case(
        runtime=runtime,
        case_id=case_id,
        principal=principal,
        materials=body.materials,
        rejected={r.code: r.reason for r in body.rejected},
    )


@router.post("/cases/{case_id}/accept", response_model=AcceptRead)
async def post_accept(
    case_id: CaseId, principal: Clerk, runtime: RuntimeDep, body: AcceptCreate | None = None
) -> dict[str, Any]:
    """Accept (受理), or accept with non-key materials tolerated (容缺受理)."""
    body = body or AcceptCreate()
    return await accept_case(
        runtime=runtime,
        case_id=case_id,
        principal=principal,
        tolerated=body.tolerated_missing,
        supplement_by=body.supplement_by,
        promise=body.promise,
    )


@router.post("/cases/{case_id}/refuse", response_model=StatusRead)
async def post_refuse(
    case_id: CaseId, body: RefuseCreate, principal: Clerk, runtime: RuntimeDep
) -> dict[str, Any]:
    """Refuse to accept (不予受理) with the reason."""
    return await refuse_case(
        runtime=runtime, case_id=case_id, principal=principal, reason=body.reason
    )


@router.post(
    "/cases/{case_id}/withdraw",
    response_model=StatusRead,
    responses={202: {"model": StatusRead, "description": "requested; approval confirms it"}},
)
async def post_withdraw(
    case_id: CaseId,
    principal: ClerkOrApplicant,
    runtime: RuntimeDep,
    response: Response,
    body: WithdrawCreate | None = None,
) -> dict[str, Any]:
    """Withdraw (撤回): 200 `withdrawn` before acceptance; 202 `withdrawal_requested` after it,
    answered by approval with `case.withdrawn` or `case.withdrawal_refused` (decided first)."""
    reason = body.reason if body else ""
    answer = await withdraw_case(
        runtime=runtime, case_id=case_id, principal=principal, reason=reason
    )
    if answer["status"] == "withdrawal_requested":
        response.status_code = 202
    return answer


@router.post("/cases/{case_id}/promise/extend", response_model=StatusRead)
async def post_extend_promise(
    case_id: CaseId, body: ExtendCreate, principal: DepartmentStaff, runtime: RuntimeDep
) -> dict[str, Any]:
    """Extend a 容缺 promise once, with a reason (the case's department)."""
    return await extend_promise(
        runtime=runtime,
        case_id=case_id,
        principal=principal,
        supplement_by=body.supplement_by,
        reason=body.reason,
    )


@router.get(
    "/cases/{case_id}/receipt.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_receipt(
    case_id: CaseId, principal: Reader, runtime: RuntimeDep, settings: SettingsDep
) -> Response:
    """The printable acceptance receipt (受理回执) as PDF."""
    case_no, pdf = await receipt_pdf(
        runtime=runtime, case_id=case_id, principal=principal, center_name=settings.center_name
    )
    disposition = f'inline; filename="receipt-{case_no}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})

"""Case routes of the intake API: receipt, notice, acceptance, refusal, withdrawal, receipts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from libs.events.contract import Applicant
from libs.events.http import CODE_PATTERN
from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, finish
from libs.events.words import CaseStatus
from services.intake.api.deps import AppDep, Clerk, ClerkOrApplicant, DepartmentStaff, Reader
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
    StatusRead,
    SupplementCreate,
    SupplementRead,
    WithdrawCreate,
)
from services.intake.application.accept_case import AcceptCase, accept_case
from services.intake.application.extend_promise import ExtendPromise, extend_promise
from services.intake.application.ports import CaseFilter
from services.intake.application.print_receipt import receipt_pdf
from services.intake.application.queries import get_case, list_cases, list_key
from services.intake.application.refuse_case import RefuseCase, refuse_case
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.application.supplement_case import SupplementCase, supplement_case
from services.intake.application.withdraw_case import WithdrawCase, withdraw_case
from services.intake.domain.rules import (
    DateRangeReversed,
)

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["cases"])


@router.post("/cases", status_code=201)
async def post_case(body: CaseCreate, principal: ClerkOrApplicant, app: AppDep) -> CaseCreated:
    """Receive a case; the answer's `missing` is the complete one-time notice (一次告知)."""
    settings = app.settings
    command = SubmitCase(
        item_code=body.item_code,
        applicant=Applicant(**body.applicant.model_dump()),
        materials=body.materials,
        rejected={r.code: r.reason for r in body.rejected},
        channel=body.channel,
        by=principal,
    )
    return await submit_case(
        command,
        uow=app.uow,
        clock=app.clock,
        center=settings.center_code,
        pepper=settings.query_code_pepper,
    )


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


@router.get("/cases")
async def get_cases(
    principal: Reader,
    app: AppDep,
    search: Annotated[CaseFilter, Depends(case_filter)],
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> list[CaseSummary]:
    """One page of the caller's center's cases (staff) or the caller's own (applicant), newest
    first, searched by number prefix, applicant (ID masked in answers), department, item,
    status and receipt days; the next page's cursor is in `Next-Cursor` (and `Link`). Staff of
    a department see their department's cases."""
    rows = await list_cases(principal, search, uow=app.uow, cursor=cursor, limit=limit)
    return finish(rows, list_key, limit=limit, request=request, response=response)


@router.get("/cases/{case_id}")
async def get_one_case(case_id: CaseId, principal: Reader, app: AppDep) -> CaseRead:
    """A case's current state, deadline and history."""
    return await get_case(case_id, principal, uow=app.uow, source=app.source)


@router.post("/cases/{case_id}/supplements")
async def post_supplement(
    case_id: CaseId, body: SupplementCreate, principal: ClerkOrApplicant, app: AppDep
) -> SupplementRead:
    """Supplement materials (补正); a further notice names only first-notice materials."""
    rejected = {r.code: r.reason for r in body.rejected}
    command = SupplementCase(case_id, principal, body.materials, rejected)
    return await supplement_case(command, uow=app.uow, clock=app.clock)


@router.post("/cases/{case_id}/accept")
async def post_accept(
    case_id: CaseId, principal: Clerk, app: AppDep, body: AcceptCreate | None = None
) -> AcceptRead:
    """Accept (受理), or accept with non-key materials tolerated (容缺受理)."""
    body = body or AcceptCreate()
    command = AcceptCase(
        case_id, principal, body.tolerated_missing, body.supplement_by, body.promise
    )
    return await accept_case(command, uow=app.uow, clock=app.clock)


@router.post("/cases/{case_id}/refuse")
async def post_refuse(
    case_id: CaseId, body: RefuseCreate, principal: Clerk, app: AppDep
) -> StatusRead:
    """Refuse to accept (不予受理) with the reason."""
    command = RefuseCase(case_id, principal, body.reason)
    return await refuse_case(command, uow=app.uow, clock=app.clock)


@router.post(
    "/cases/{case_id}/withdraw",
    responses={202: {"model": StatusRead, "description": "requested; approval confirms it"}},
)
async def post_withdraw(
    case_id: CaseId,
    principal: ClerkOrApplicant,
    app: AppDep,
    response: Response,
    body: WithdrawCreate | None = None,
) -> StatusRead:
    """Withdraw (撤回): 200 `withdrawn` before acceptance; 202 `withdrawal_requested` after it,
    answered by approval with `case.withdrawn` or `case.withdrawal_refused` (decided first)."""
    command = WithdrawCase(case_id, principal, body.reason if body else "")
    answer = await withdraw_case(command, uow=app.uow, clock=app.clock)
    if answer.status == "withdrawal_requested":
        response.status_code = 202
    return answer


@router.post("/cases/{case_id}/promise/extend")
async def post_extend_promise(
    case_id: CaseId, body: ExtendCreate, principal: DepartmentStaff, app: AppDep
) -> StatusRead:
    """Extend a 容缺 promise once, with a reason (the case's department)."""
    command = ExtendPromise(case_id, principal, body.supplement_by, body.reason)
    return await extend_promise(command, uow=app.uow, clock=app.clock)


@router.get(
    "/cases/{case_id}/receipt.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def get_receipt(case_id: CaseId, principal: Reader, app: AppDep) -> Response:
    """The printable acceptance receipt (受理回执) as PDF."""
    printed = await receipt_pdf(
        case_id,
        principal,
        uow=app.uow,
        center_name=app.settings.center_name,
        render=app.render_receipt,
    )
    disposition = f'inline; filename="receipt-{printed.case_no}.pdf"'
    return Response(
        printed.pdf, media_type="application/pdf", headers={"Content-Disposition": disposition}
    )

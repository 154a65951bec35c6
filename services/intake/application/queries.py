"""Read a case (state, deadline, history) and list the cases a caller may see."""

from __future__ import annotations

from typing import Any

from libs.events.auth import CENTER_WIDE_ROLES, Principal
from libs.events.instants import in_beijing
from libs.events.words import status_fields, status_zh
from services.intake.api.schemas import ApplicantRead, CaseRead, CaseSummary, HistoryEntry, ItemRef
from services.intake.application.common import (
    IntakeTransaction,
    IntakeUnitOfWork,
    case_row,
    item_of,
    load_case,
    notice,
)
from services.intake.application.ports import CaseFilter, CaseRow
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE, Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.identity import mask_id_no, masked_applicant
from services.intake.domain.rules import OwnDepartmentOnly


async def get_case(
    case_id: str, principal: Principal, *, uow: IntakeUnitOfWork, source: str
) -> CaseRead:
    """The case as intake knows it, with what approval reported, and its history; `source`
    is intake's own (its events' source in the history)."""
    async with uow.begin() as tx:
        case = await load_case(tx, case_id, principal)
        item = await item_of(tx, case)
        row = await case_row(tx, case_id)
        history = await _history(tx, case_id, source)
    return _view(case, item, row, history)


def _view(case: Case, item: ItemVersion, row: CaseRow, history: list[HistoryEntry]) -> CaseRead:
    assert case.submitted is not None
    s = case.submitted
    last = case.notices[-1] if case.notices and case.status == "awaiting_supplement" else None
    after = case.status in OPEN_AFTER_ACCEPTANCE
    status = row.shared_status
    return CaseRead(
        case_id=case.stream_id,
        case_no=s.case_no,
        query_code=row.query_code,
        center=s.center,
        status=status,
        status_zh=status_zh(status),
        intake_status=case.status,
        outcome=row.outcome,
        delivered_at=row.delivered_at,
        item=ItemRef(code=s.item_code, version=s.item_version, name=s.item_name),
        department=s.department,
        kind=s.kind,
        channel=s.channel,
        applicant=ApplicantRead(**masked_applicant(s.applicant)),
        submitted_by=s.submitted_by,
        submitted_at=s.submitted_at,
        materials=case.provided,
        missing=case.tolerated if after else case.missing(item),
        notice=notice(item, last.missing, last.reasons) if last else [],
        notices=len(case.notices),
        **_acceptance(case, row),
        history=history,
    )


def _acceptance(case: Case, row: CaseRow) -> dict[str, Any]:
    """The answer's acceptance, deadline and 容缺 promise fields."""
    return {
        "accepted_at": case.accepted.accepted_at if case.accepted else None,
        "limit_days": row.limit_days,
        "deadline": row.deadline,
        "due_day": row.due_day,
        "provisional": row.provisional,
        "tolerated_missing": case.tolerated,
        "supplement_by": case.supplement_by,
        "promise": case.accepted.promise if case.accepted else "",
        "promise_extended": case.extended,
    }


async def _history(tx: IntakeTransaction, case_id: str, source: str) -> list[HistoryEntry]:
    own = [
        HistoryEntry(type=e.type, at=e.recorded_at, source=source, data=_text(e.data))
        for e in await tx.events.read(case_id)
    ]
    others = [
        HistoryEntry(type=r.type, at=r.at, source=r.source, data=_text(r.data))
        for r in await tx.views.timeline(case_id)
    ]
    return sorted([*own, *others], key=lambda h: h.at)


def _text(data: dict[str, Any]) -> Any:
    """Event data as stored (UTC text), its instants as every answer gives them."""
    return in_beijing(data, strings=True)


async def list_cases(
    principal: Principal,
    search: CaseFilter,
    *,
    uow: IntakeUnitOfWork,
    cursor: str | None,
    limit: int,
) -> list[CaseSummary]:
    """Newest first, one page (and one case more, when there is a next page): an applicant's
    own cases, or those of the staff's center (a department's staff: their department's only,
    else OwnDepartmentOnly)."""
    own = principal.department if principal.role not in CENTER_WIDE_ROLES else None
    if own and search.department not in (None, own):
        raise OwnDepartmentOnly(
            f"{principal.sub} sees department {own}'s cases, not {search.department}'s",
            detail_zh=f"只能查看部门 {own} 的案件，不能查看部门 {search.department} 的案件",
        )
    async with uow.begin() as tx:
        rows = await tx.views.list_cases(principal, search, cursor, limit)
    return [_summary(r) for r in rows]


def list_key(summary: CaseSummary) -> list[Any]:
    """The cursor key of a listed case."""
    return [summary.submitted_at, summary.case_id]


def _summary(r: CaseRow) -> CaseSummary:
    return CaseSummary(
        case_id=r.case_id,
        case_no=r.case_no,
        item_code=r.item_code,
        item_name=r.item_name,
        department=r.department,
        **status_fields(r.shared_status),
        outcome=r.outcome,
        applicant_name=r.applicant_name,
        applicant_id_no=mask_id_no(r.applicant_id_no),
        submitted_at=r.submitted_at,
        deadline=r.deadline,
        provisional=r.provisional,
    )

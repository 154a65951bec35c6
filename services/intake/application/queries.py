"""Read a case (state, deadline, history) and list the cases a caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import CENTER_WIDE_ROLES, Principal, Role
from libs.events.clock import beijing_midnight
from libs.events.instants import in_beijing
from libs.events.paging import keyset
from libs.events.runtime import Runtime
from libs.events.words import status_fields
from services.intake.adapters.tables import aware, case_timeline, cases
from services.intake.application.common import (
    case_row,
    item_of,
    load_case,
    notice,
    shared_status,
)
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE, Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.identity import mask_id_no, masked_applicant, normalize_id


async def get_case(*, runtime: Runtime, case_id: str, principal: Principal) -> dict[str, Any]:
    """The case as intake knows it, with what approval reported, and its history."""
    async with runtime.engine.connect() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        item = await item_of(conn, case)
        row = await case_row(conn, case_id)
        history = await _history(conn, runtime, case_id)
    return {**_view(case, item, row), "history": history}


def _view(case: Case, item: ItemVersion, row: dict[str, Any]) -> dict[str, Any]:
    assert case.submitted is not None
    s = case.submitted
    last = case.notices[-1] if case.notices and case.status == "awaiting_supplement" else None
    return {
        "case_id": case.stream_id,
        "case_no": s.case_no,
        "query_code": row["query_code"],
        "center": s.center,
        **status_fields(shared_status(row)),
        "intake_status": case.status,
        "outcome": row["outcome"],
        "delivered_at": aware(row["delivered_at"]),
        "item": {"code": s.item_code, "version": s.item_version, "name": s.item_name},
        "department": s.department,
        "kind": s.kind,
        "channel": s.channel,
        "applicant": masked_applicant(s.applicant),
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at,
        "materials": case.provided,
        "missing": case.missing(item)
        if case.status not in OPEN_AFTER_ACCEPTANCE
        else case.tolerated,
        "notice": notice(item, last.missing, last.reasons) if last else [],
        "notices": len(case.notices),
        "accepted_at": case.accepted.accepted_at if case.accepted else None,
        "limit_days": row["limit_days"],
        "deadline": aware(row["deadline"]),
        "due_day": row["due_day"],
        "provisional": row["provisional"],
        "tolerated_missing": case.tolerated,
        "supplement_by": case.supplement_by,
        "promise": case.accepted.promise if case.accepted else "",
        "promise_extended": case.extended,
    }


async def _history(conn: AsyncConnection, runtime: Runtime, case_id: str) -> list[dict[str, Any]]:
    own = [
        {"type": e.type, "at": e.recorded_at, "source": runtime.store.source, "data": _text(e.data)}
        for e in await runtime.store.read(conn, case_id)
    ]
    query = select(case_timeline).where(case_timeline.c.case_id == case_id)
    others = [
        {"type": r.type, "at": aware(r.at), "source": r.source, "data": _text(r.data)}
        for r in (await conn.execute(query)).all()
    ]
    return sorted([*own, *others], key=lambda h: h["at"])


def _text(data: dict[str, Any]) -> Any:
    """Event data as stored (UTC text), its instants as every answer gives them."""
    return in_beijing(data, strings=True)


@dataclass(frozen=True)
class CaseFilter:
    """What staff search a case list by; every field narrows, none widens."""

    status: str | None = None
    case_no: str | None = None
    applicant: str | None = None  # part of the name, or the whole identity number
    department: str | None = None
    item_code: str | None = None
    received_from: date | None = None  # Beijing calendar days, both included
    received_to: date | None = None


SUMMARY = (
    cases.c.case_id,
    cases.c.case_no,
    cases.c.item_code,
    cases.c.item_name,
    cases.c.department,
    cases.c.status,
    cases.c.outcome,
    cases.c.progress,
    cases.c.applicant_name,
    cases.c.applicant_id_no,
    cases.c.submitted_at,
    cases.c.deadline,
    cases.c.provisional,
)


def _narrowed(query: Select[Any], principal: Principal, f: CaseFilter) -> Select[Any]:
    if principal.role == Role.applicant:
        query = query.where(cases.c.submitted_by == principal.sub)
    else:
        query = query.where(cases.c.center == (principal.center or ""))
        if principal.department and principal.role not in CENTER_WIDE_ROLES:
            query = query.where(cases.c.department == principal.department)
    if f.status is not None:
        shared = func.coalesce(cases.c.outcome, cases.c.progress, cases.c.status)
        query = query.where(shared == f.status)
    if f.case_no:
        query = query.where(cases.c.case_no.startswith(f.case_no, autoescape=True))
    if f.applicant:
        who = f.applicant.strip()
        named = cases.c.applicant_name.contains(who, autoescape=True)
        query = query.where(or_(named, cases.c.applicant_id_no == normalize_id(who)))
    for column, value in ((cases.c.department, f.department), (cases.c.item_code, f.item_code)):
        if value is not None:
            query = query.where(column == value)
    if f.received_from is not None:
        query = query.where(cases.c.submitted_at >= beijing_midnight(f.received_from))
    if f.received_to is not None:
        query = query.where(cases.c.submitted_at < beijing_midnight(f.received_to, after=True))
    return query


async def list_cases(
    *, runtime: Runtime, principal: Principal, search: CaseFilter, cursor: str | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first, one page: an applicant's own cases, or those of the staff's center."""
    query = _narrowed(select(*SUMMARY), principal, search)
    query = keyset(query, LIST_ORDER, cursor, limit=limit, descending=True)
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [_summary(r) for r in rows]


LIST_ORDER = (cases.c.submitted_at, cases.c.case_id)


def list_key(summary: dict[str, Any]) -> list[Any]:
    """The cursor key of a listed case."""
    return [summary["submitted_at"], summary["case_id"]]


def _summary(r: Any) -> dict[str, Any]:
    return {
        **r,
        **status_fields(shared_status(r)),
        "applicant_id_no": mask_id_no(r["applicant_id_no"]),
        "submitted_at": aware(r["submitted_at"]),
        "deadline": aware(r["deadline"]),
    }

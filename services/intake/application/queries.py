"""Read a case (state, deadline, history) and list the cases a caller may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role
from libs.events.runtime import Runtime
from services.intake.adapters.tables import aware, case_timeline, cases
from services.intake.application.common import case_row, item_of, load_case, notice
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.identity import masked_applicant


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
        "status": row["outcome"] or case.status,
        "intake_status": case.status,
        "outcome": row["outcome"],
        "item": {"code": s.item_code, "version": s.item_version, "name": s.item_name},
        "department": s.department,
        "kind": s.kind,
        "channel": s.channel,
        "applicant": masked_applicant(s.applicant),
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at,
        "materials": case.provided,
        "missing": case.missing(item) if case.status != "accepted" else case.tolerated,
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
        {"type": e.type, "at": e.recorded_at, "source": runtime.store.source, "data": e.data}
        for e in await runtime.store.read(conn, case_id)
    ]
    query = select(case_timeline).where(case_timeline.c.case_id == case_id)
    others = [
        {"type": r.type, "at": aware(r.at), "source": r.source, "data": r.data}
        for r in (await conn.execute(query)).all()
    ]
    return sorted([*own, *others], key=lambda h: h["at"])


async def list_cases(
    *, runtime: Runtime, principal: Principal, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest first: an applicant's own cases, or the cases of the staff member's center."""
    query = select(
        cases.c.case_id,
        cases.c.case_no,
        cases.c.item_code,
        cases.c.item_name,
        cases.c.department,
        cases.c.status,
        cases.c.outcome,
        cases.c.submitted_at,
        cases.c.deadline,
        cases.c.provisional,
    )
    if principal.role == Role.applicant:
        query = query.where(cases.c.submitted_by == principal.sub)
    else:
        query = query.where(cases.c.center == (principal.center or ""))
    if status is not None:
        query = query.where(cases.c.status == status)
    query = query.order_by(cases.c.submitted_at.desc()).limit(limit)
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [
        {**r, "submitted_at": aware(r["submitted_at"]), "deadline": aware(r["deadline"])}
        for r in rows
    ]

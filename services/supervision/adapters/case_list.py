"""Supervision's case list: the visible cases, searched in SQL, newest first, by keyset pages,
each with its light now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role
from libs.events.calendar import WorkCalendar
from libs.events.clock import beijing_midnight
from libs.events.paging import keyset
from libs.events.privacy import mask_id_no, mask_name
from libs.events.words import case_status
from services.supervision.adapters import light_rows
from services.supervision.adapters.project_case import STATUS
from services.supervision.adapters.tables import lights, supervised_cases
from services.supervision.application.ports import CaseSearch
from services.supervision.domain.clock import WHOLE
from services.supervision.domain.light_view import shared_status, view
from services.supervision.domain.scope import Scope

t = supervised_cases
ORDER = (t.c.received_at, t.c.case_id)
DECIDED = ("decided", "delivered")


def _status(query: Select[Any], status: str) -> Select[Any]:
    """Cases whose own status words read `status` in the shared vocabulary."""
    if status in ("approved", "denied", "deemed_approved"):
        return query.where(t.c.decision == status, t.c.status.in_(DECIDED))
    words = sorted(w for w in set(STATUS.values()) if case_status(w) == status)
    return query.where(t.c.status.in_(words))


def _searched(query: Select[Any], f: CaseSearch) -> Select[Any]:
    if f.case_no:
        query = query.where(t.c.case_no.startswith(f.case_no, autoescape=True))
    if f.applicant:
        who = f.applicant.strip()
        named = t.c.applicant_name.contains(who, autoescape=True)
        query = query.where(or_(named, t.c.applicant_id == who.upper()))
    if f.item_code is not None:
        query = query.where(t.c.item_code == f.item_code)
    if f.status is not None:
        query = _status(query, f.status)
    if f.received_from is not None:
        query = query.where(t.c.received_at >= beijing_midnight(f.received_from))
    if f.received_to is not None:
        query = query.where(t.c.received_at < beijing_midnight(f.received_to, after=True))
    return query


def visible(principal: Principal, scope: Scope) -> Select[Any]:
    """Received cases this principal may see: the scope's, or an applicant's own."""
    query = select(t).where(t.c.received_at.is_not(None))
    if principal.role == Role.applicant:
        return query.where(
            or_(t.c.submitted_by == principal.sub, t.c.applicant_id == principal.sub)
        )
    query = query.where(t.c.center.in_(sorted(scope.centers)))
    if scope.department is not None:
        query = query.where(t.c.department == scope.department)
    return query


async def list_cases(
    conn: AsyncConnection,
    query: Select[Any],
    search: CaseSearch,
    *,
    cursor: str | None,
    limit: int,
    now: datetime,
    cal: WorkCalendar,
) -> list[dict[str, Any]]:
    """One page (and one more row) of the searched cases, each with its light at `now`."""
    paged = keyset(_searched(query, search), ORDER, cursor, limit=limit, descending=True)
    rows = [dict(r) for r in (await conn.execute(paged)).mappings()]
    ids = [r["case_id"] for r in rows]
    found = select(lights).where(lights.c.case_id.in_(ids), lights.c.part == WHOLE)
    clocks = {
        row.case_id: row.clock
        for row in map(light_rows.from_row, (await conn.execute(found)).mappings())
    }
    return [_summary(r, clocks.get(r["case_id"]), now, cal) for r in rows]


def _summary(case: dict[str, Any], clock: Any, now: datetime, cal: WorkCalendar) -> dict[str, Any]:
    light = view(case["case_id"], WHOLE, clock, case, now, cal) if clock else None
    return {
        "case_id": case["case_id"],
        "case_no": case["case_no"],
        "center": case["center"],
        "department": case["department"],
        "item_code": case["item_code"],
        "item_name": case["item_name"],
        "applicant_name": mask_name(case["applicant_name"] or ""),
        "applicant_id_no": mask_id_no(case["applicant_id"] or ""),
        **shared_status(case),
        "received_at": case["received_at"],
        "accepted_at": case["accepted_at"],
        "deadline": case["deadline"],
        "completed_at": case["completed_at"],
        "outcome": case["outcome"],
        "color": light.color if light else None,
        "remaining": light.remaining if light else None,
    }

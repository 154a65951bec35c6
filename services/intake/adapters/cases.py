"""Reads of the `cases` read model: one case, a page of a list, the work of the jobs."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import CENTER_WIDE_ROLES, Principal, Role
from libs.events.calendar import Deadline
from libs.events.caseclock import ClockFacts
from libs.events.clock import beijing_midnight
from libs.events.paging import keyset
from services.intake.adapters.tables import case_timeline, cases, published_decisions
from services.intake.application.ports import (
    CaseFilter,
    CaseRow,
    OpenClock,
    PublishedDecision,
    TimelineEntry,
)
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE
from services.intake.domain.identity import normalize_id

LIST_ORDER = (cases.c.submitted_at, cases.c.case_id)


async def case_row(conn: AsyncConnection, case_id: str) -> CaseRow | None:
    """The case's row, if intake has one."""
    query = select(cases).where(cases.c.case_id == case_id)
    row = (await conn.execute(query)).mappings().first()
    return None if row is None else CaseRow(**row)


async def case_by_number(conn: AsyncConnection, case_no: str) -> CaseRow | None:
    """The row of the case with this number."""
    query = select(cases).where(cases.c.case_no == case_no)
    row = (await conn.execute(query)).mappings().first()
    return None if row is None else CaseRow(**row)


async def set_query_code(
    conn: AsyncConnection, case_id: str, code: str | None, hashed: str
) -> None:
    """Keep the query code (its hash; the plaintext for reprinting, when known)."""
    values: dict[str, Any] = {"query_hash": hashed}
    if code is not None:
        values["query_code"] = code
    await conn.execute(update(cases).where(cases.c.case_id == case_id).values(**values))


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
    conn: AsyncConnection, principal: Principal, search: CaseFilter, cursor: str | None, limit: int
) -> list[CaseRow]:
    """Newest first, one page and one row more: an applicant's own cases, or the staff's."""
    query = _narrowed(select(cases), principal, search)
    query = keyset(query, LIST_ORDER, cursor, limit=limit, descending=True)
    return [CaseRow(**r) for r in (await conn.execute(query)).mappings().all()]


async def timeline(conn: AsyncConnection, case_id: str) -> list[TimelineEntry]:
    """What other services reported about the case."""
    query = select(case_timeline).where(case_timeline.c.case_id == case_id)
    return [
        TimelineEntry(type=r.type, at=r.at, source=r.source, data=r.data)
        for r in (await conn.execute(query)).all()
    ]


async def published_decision(conn: AsyncConnection, case_id: str) -> PublishedDecision | None:
    """The sealed decision document of the case, once approval published it."""
    t = published_decisions
    found = (await conn.execute(select(t).where(t.c.case_id == case_id))).mappings().first()
    return None if found is None else PublishedDecision(**found)


async def unjudged_online_cases(conn: AsyncConnection) -> list[str]:
    """Online submissions awaiting the window (art. 32 looks at each)."""
    query = select(cases.c.case_id).where(
        cases.c.status == "submitted", cases.c.channel == "online", cases.c.outcome.is_(None)
    )
    return list((await conn.execute(query)).scalars())


async def overdue_promises(conn: AsyncConnection, before: date) -> list[str]:
    """Accepted, undecided cases whose 容缺 promise fell due before this day."""
    query = select(cases.c.case_id).where(
        cases.c.status == "accepted", cases.c.outcome.is_(None), cases.c.promise_due < before
    )
    return list((await conn.execute(query)).scalars())


async def open_clocks(conn: AsyncConnection) -> list[OpenClock]:
    """Every open, accepted case's clock, its row locked: a pause ending meanwhile is either
    seen here or derives under the new calendar after this transaction."""
    query = (
        select(cases.c.case_id, cases.c.clock, cases.c.due_day, cases.c.provisional)
        .where(
            cases.c.status.in_(OPEN_AFTER_ACCEPTANCE),
            cases.c.outcome.is_(None),
            cases.c.clock.is_not(None),
        )
        .order_by(cases.c.case_id)
        .with_for_update()
    )
    return [
        OpenClock(
            case_id=row.case_id,
            clock=ClockFacts.from_json(row.clock),
            current=Deadline.end_of(row.due_day, provisional=row.provisional),
        )
        for row in (await conn.execute(query)).all()
    ]

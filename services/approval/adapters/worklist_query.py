"""The worklist in SQL: a department's open work items and joint parts as one keyset-paged,
searched query (oldest deadline first), served by the (held_at, department, status, deadline)
indexes of both tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import beijing_midnight
from libs.events.paging import keyset
from libs.events.privacy import id_digest, mask_name
from services.approval.adapters.joint_tables import joint_parts as p
from services.approval.adapters.projection import OPEN
from services.approval.adapters.tables import contacts as c
from services.approval.adapters.tables import work_items as w
from services.approval.application.ports import WorkQuery, WorkSearch


def _lines(held_at: str, department: str, person: str | None) -> CompoundSelect[Any]:
    """Both kinds of line with the same columns: a case's own work, and a joint case's part."""
    case = (
        w.c.case_id,
        w.c.case_no,
        w.c.center,
        w.c.held_at,
        w.c.item_code,
        w.c.item_name,
        w.c.kind,
    )
    linked = (w.c.escalated_from, w.c.received_at)  # a case escalated here: who sent it, when
    whole = select(
        *case,
        *linked,
        w.c.accepted_at,
        w.c.department,
        w.c.status,
        w.c.step,
        w.c.assignee,
        w.c.countersigners,
        w.c.deadline,
        w.c.due_day,
    ).where(w.c.held_at == held_at, w.c.department == department, w.c.status.in_(OPEN))
    parts = (
        select(
            *case,
            *linked,
            w.c.accepted_at,
            p.c.department,
            p.c.status,
            p.c.step,
            p.c.assignee,
            null().label("countersigners"),
            p.c.deadline,
            p.c.due_day,
        )
        .join(w, w.c.case_id == p.c.case_id)
        .where(p.c.held_at == held_at, p.c.department == department, p.c.status.in_(OPEN))
    )
    if person is not None:
        whole, parts = whole.where(w.c.assignee == person), parts.where(p.c.assignee == person)
    return union_all(whole, parts)


def _matching(line: Any, f: WorkSearch, key: str) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if f.case_no:
        found.append(line.case_no.startswith(f.case_no, autoescape=True))
    if f.item_code is not None:
        found.append(line.item_code == f.item_code)
    if f.status is not None:
        found.append(line.status == ("suspended" if f.status == "suspended" else "open"))
    if f.applicant:
        who = f.applicant.strip()
        named = c.c.name.contains(who, autoescape=True)
        found.append(or_(named, c.c.id_hash == id_digest(who, key)))
    if f.accepted_from is not None:
        found.append(line.accepted_at >= beijing_midnight(f.accepted_from))
    if f.accepted_to is not None:
        found.append(line.accepted_at < beijing_midnight(f.accepted_to, after=True))
    return found


async def worklist_page(conn: AsyncConnection, q: WorkQuery) -> list[dict[str, Any]]:
    """One page of the department's open work (and one line more), oldest deadline first."""
    line = _lines(q.held_at, q.department, q.person).subquery("line").c
    query = (
        select(*line, c.c.name.label("applicant_name"))
        .outerjoin(c, c.c.case_id == line.case_id)
        .where(*_matching(line, q.search, q.key))
    )
    order = (line.deadline, line.case_id, line.department)
    rows = await conn.execute(keyset(query, order, q.cursor, limit=q.limit, descending=False))
    return [_line(dict(r)) for r in rows.mappings()]


def _line(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "countersigners": row["countersigners"] or [],
        "applicant_name": mask_name(row["applicant_name"] or ""),
    }

"""The worklist projection, written in the same transaction as the events it reflects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import WorkOpened
from libs.events.db import events
from services.approval.adapters.joint_tables import joint_parts
from services.approval.adapters.tables import decision_documents
from services.approval.adapters.tables import work_items as t
from services.approval.domain.case import ApprovalCase

OPEN = ("open", "suspended")


def _row(case: ApprovalCase) -> dict[str, Any]:
    facts, deadline = case.facts, case.current_deadline
    return {
        "center": facts.center,
        "held_at": facts.held_at,
        "department": facts.department,
        "case_no": facts.case_no,
        "item_code": facts.item_code,
        "item_name": facts.item_name,
        "kind": facts.kind,
        # a joint case's work is in its parts' rows (joint_parts), not on this worklist
        "status": "joint" if case.joint is not None and case.status in OPEN else case.status,
        "step": case.step,
        "assignee": case.assignee,
        "countersigners": [p for p in case.countersigners if p not in case.signatures],
        "accepted_at": facts.accepted_at,
        "deadline": deadline.at,
        "due_day": deadline.due_day,
        "deemed_approval": facts.deemed_approval,
        "version": case.version,
        "updated_at": datetime.now(UTC),
        "escalated_from": facts.escalated_from or None,
        "received_at": case.received.received_at if case.received else None,
    }


async def refresh(conn: AsyncConnection, case: ApprovalCase) -> None:
    """Rewrite the case's worklist row from its state."""
    values = _row(case)
    found = await conn.execute(select(t.c.case_id).where(t.c.case_id == case.stream_id))
    if found.first() is None:
        await conn.execute(insert(t).values(case_id=case.stream_id, **values))
    else:
        await conn.execute(update(t).where(t.c.case_id == case.stream_id).values(**values))


async def lock(conn: AsyncConnection, case_id: str) -> None:
    """Lock the case's row (PostgreSQL) before the calendar is read for it."""
    await conn.execute(select(t.c.case_id).where(t.c.case_id == case_id).with_for_update())


async def lock_open(conn: AsyncConnection) -> list[str]:
    """Every undecided work item at this node, its row locked (PostgreSQL), in key order."""
    query = select(t.c.case_id).where(t.c.status.in_(OPEN)).order_by(t.c.case_id)
    return list((await conn.execute(query.with_for_update())).scalars())


async def open_case_ids(conn: AsyncConnection, *, department: str) -> list[str]:
    """Every undecided work item of a department."""
    query = select(t.c.case_id).where(t.c.department == department, t.c.status.in_(OPEN))
    return list((await conn.execute(query)).scalars())


async def overdue_deemable(conn: AsyncConnection, *, now: datetime, limit: int = 200) -> list[str]:
    """Running work whose item allows deemed approval and whose deadline has passed."""
    query = (
        select(t.c.case_id)
        .where(t.c.status == "open", t.c.deemed_approval.is_(True))
        .where(t.c.deadline < now)
        .order_by(t.c.deadline)
        .limit(limit)
    )
    return list((await conn.execute(query)).scalars())


async def decided_without_document(
    conn: AsyncConnection, *, before: datetime, limit: int = 100
) -> list[str]:
    """Work decided before `before` with no sealed document yet (a reported case pre-reviewed
    here needs none)."""
    issued = select(decision_documents.c.case_id).where(decision_documents.c.case_id == t.c.case_id)
    pre_reviewed_here = (t.c.kind == "reported") & (t.c.center == t.c.held_at)
    query = (
        select(t.c.case_id)
        .where(t.c.status == "decided", ~issued.exists(), ~pre_reviewed_here)
        .where(t.c.updated_at < before)
        .order_by(t.c.updated_at)
        .limit(limit)
    )
    return list((await conn.execute(query)).scalars())


TABLES: tuple[Table, ...] = (t, joint_parts)


async def clear_worklist(conn: AsyncConnection) -> None:
    """Delete every worklist row (a rebuild writes them again in the same transaction)."""
    for table in TABLES:
        await conn.execute(delete(table))


async def opened_streams(conn: AsyncConnection) -> list[str]:
    """Every stream that opened work here, in the order it did."""
    query = (
        select(events.c.stream_id)
        .where(events.c.type == WorkOpened.TYPE)
        .group_by(events.c.stream_id)
        .order_by(func.min(events.c.position))
    )
    return list((await conn.execute(query)).scalars())


async def snapshot(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every worklist row but its `updated_at`, in key order."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        columns = [c for c in table.columns if c.name != "updated_at"]
        rows = await conn.execute(select(*columns).order_by(*table.primary_key.columns))
        result[table.name] = [tuple(r) for r in rows]
    return result

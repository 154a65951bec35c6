"""Apply one case event to the projection: the case's facts, its clock ledger and its clocks.

The consumer and the rebuild both call `project_case_event`; it never publishes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.registry import Event
from services.supervision.adapters import light_rows
from services.supervision.adapters.tables import ledger, lights, supervised_cases
from services.supervision.application.ports import Received
from services.supervision.domain.clock import WHOLE, Clocks, fold, rederived
from services.supervision.domain.facts import Happened, instant_of
from services.supervision.domain.timeline import describe

STATUS: dict[type[Event], str] = {
    s.CaseSubmitted: "submitted",
    s.CaseSupplementRequested: "awaiting_supplement",
    s.CaseSupplemented: "submitted",
    s.CaseAccepted: "accepted",
    s.CaseRefused: "refused",
    s.CaseWithdrawn: "withdrawn",
    s.CaseReturned: "returned",
    s.CaseReviewed: "reviewed",
    s.CaseSuspended: "suspended",
    s.CaseResumed: "accepted",
    s.CaseDecided: "decided",
    s.CaseDeemedApproved: "decided",
    s.CaseEscalated: "escalated",
    s.CaseEscalationReturned: "decided",
    s.JointCompleted: "decided",
    s.CaseDelivered: "delivered",
}
COMPLETING = (s.CaseDecided, s.CaseDeemedApproved, s.CaseEscalationReturned, s.JointCompleted)


async def project_case_event(
    conn: AsyncConnection, received: Received, event: Event, calendar: WorkCalendar
) -> Happened | None:
    """Update facts, ledger and clocks for a case event; None for events of no case."""
    if not isinstance(event, s.CaseEvent) or isinstance(event, s.LightChanged):
        return None
    happened = Happened(event, instant_of(event, received.time))
    clocks = await _fold_clocks(conn, event, calendar)
    await _upsert_case(
        conn, received, happened, completion_of(event, clocks), deadline_columns(clocks)
    )
    if describe(event) is not None:
        await conn.execute(
            insert(ledger).values(
                case_id=event.case_id,
                type=received.type,
                at=happened.at,
                known_at=received.known_at,
                data=event.model_dump(mode="json"),
            )
        )
    return happened


async def _fold_clocks(conn: AsyncConnection, event: s.CaseEvent, calendar: WorkCalendar) -> Clocks:
    rows = await light_rows.load(conn, event.case_id)
    before = {part: row.clock for part, row in rows.items()}
    after = fold(before, event, calendar)
    if after != before:
        await light_rows.save_clocks(conn, event.case_id, event.center, before, after)
    return after


def completion_of(event: s.CaseEvent, clocks: Clocks) -> dict[str, Any]:
    """The completion columns a deciding event sets (outcome from the whole case's clock)."""
    if not isinstance(event, COMPLETING) and not (
        isinstance(event, s.WorkClosed) and event.cause == "escalation_returned"
    ):
        return {}
    whole = clocks.get(WHOLE)
    decision = getattr(event, "decision", None) or getattr(event, "outcome", None)
    if isinstance(event, s.CaseDeemedApproved):
        decision = "deemed_approved"
    return {
        "decision": decision,
        "outcome": whole.outcome if whole else None,
        "used_days": whole.used_days if whole else None,
    }


async def _upsert_case(
    conn: AsyncConnection,
    received: Received,
    happened: Happened,
    completion: dict[str, Any],
    deadline: dict[str, Any],
) -> None:
    event = happened.event
    assert isinstance(event, s.CaseEvent)
    t = supervised_cases
    found = await conn.execute(
        select(t.c.received_at, t.c.accepted_at, t.c.completed_at).where(
            t.c.case_id == event.case_id
        )
    )
    current = found.mappings().first()
    values = case_values(current, received, happened, completion, deadline)
    if current is None:
        await conn.execute(insert(t).values(case_id=event.case_id, center=event.center, **values))
    else:
        await conn.execute(update(t).where(t.c.case_id == event.case_id).values(**values))


def case_values(
    current: Any,
    received: Received,
    happened: Happened,
    completion: dict[str, Any],
    deadline: dict[str, Any],
) -> dict[str, Any]:
    """The `supervised_cases` columns a case event sets on the case's row (`current`, or None
    when it has none yet)."""
    event = happened.event
    assert isinstance(event, s.CaseEvent)
    values: dict[str, Any] = {
        "last_event": received.type,
        "last_sequence": received.sequence,
        "updated_at": received.known_at,
        **_facts(event),
        **deadline,
        **_firsts(current, happened, received.known_at, completion),
    }
    if status := STATUS.get(type(event)):
        values["status"] = status
    if current is None:
        values.setdefault("status", "submitted")
    return values


def _firsts(
    current: Any, happened: Happened, known_at: datetime, completion: dict[str, Any]
) -> dict[str, Any]:
    """Receipt, acceptance and completion are counted once, when they first happen."""
    values: dict[str, Any] = {}
    event = happened.event
    first = {
        "received": isinstance(event, s.CaseSubmitted),
        "accepted": isinstance(event, s.CaseAccepted),
        "completed": bool(completion),
    }
    for name, applies in first.items():
        if applies and (current is None or current[f"{name}_at"] is None):
            values[f"{name}_at"] = happened.at
            values[f"{name}_known"] = known_at
            if name == "completed":
                values.update(completion)
    return values


def _facts(event: s.CaseEvent) -> dict[str, Any]:
    """The descriptive columns an event sets."""
    match event:
        case s.CaseSubmitted():
            return _receipt(event)
        case s.CaseAccepted():
            return {
                "case_no": event.case_no,
                "item_code": event.item_code,
                "department": event.department,
                "kind": event.kind,
                "channel": event.channel,
                "limit_days": event.limit_days,
                **({"item_name": event.item_name} if event.item_name else {}),
            }
        case s.CaseEscalated():
            return {"handled_by": event.to_center}
        case s.CaseEscalationReceived():
            return {"handled_by": event.received_by}
        case s.JointStarted():
            return {"stage": event.stage}
    return {}


def _receipt(event: s.CaseSubmitted) -> dict[str, Any]:
    return {
        "case_no": event.case_no,
        "item_code": event.item_code,
        "item_name": event.item_name,
        "department": event.department,
        "kind": event.kind,
        "channel": event.channel,
        "applicant_name": event.applicant.name,
        "applicant_id": event.applicant.id_no,
        "submitted_by": event.submitted_by,
    }


def deadline_columns(clocks: Clocks) -> dict[str, Any]:
    """The whole case's derived deadline, once it was accepted."""
    whole = clocks.get(WHOLE)
    if whole is None:
        return {}
    d = whole.deadline
    return {"deadline": d.at, "due_day": d.due_day, "provisional": d.provisional}


async def rederive_all(conn: AsyncConnection, calendar: WorkCalendar) -> int:
    """A year's schedule was loaded: every open clock derives its deadline again under it."""
    query = select(lights.c.case_id).distinct().order_by(lights.c.case_id)
    query = query.where(lights.c.completed_at.is_(None), lights.c.closed_at.is_(None))
    moved = 0
    for case_id in (await conn.execute(query)).scalars().all():
        rows = await light_rows.load(conn, case_id, lock=True)
        before = {part: row.clock for part, row in rows.items()}
        after = rederived(before, calendar)
        if after == before:
            continue
        center = next(iter(rows.values())).center
        await light_rows.save_clocks(conn, case_id, center, before, after)
        where = supervised_cases.c.case_id == case_id
        await conn.execute(update(supervised_cases).where(where).values(**deadline_columns(after)))
        moved += 1
    return moved

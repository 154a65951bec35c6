"""What other services report about intake's cases, applied to the `cases` row and kept for
the history (`case_timeline`) and the public download (`published_decisions`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.caseclock import ClockFacts
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.intake.adapters.tables import case_timeline, cases, published_decisions
from services.intake.application.ports import CalendarOf

CLOCK_FACTS = (s.CaseSuspended, s.CaseResumed, s.CaseExtended)


async def apply_reported(conn: AsyncConnection, event: s.CaseEvent, calendar: CalendarOf) -> bool:
    """Apply another service's event to the case's row; False when the case is not ours."""
    # Locked before the calendar is read, so a calendar load and this event serialise.
    known = select(cases.c.clock).where(cases.c.case_id == event.case_id).with_for_update()
    row = (await conn.execute(known)).first()
    if row is None:
        return False
    values = {**_decided(event), **_followed(event)}
    if isinstance(event, CLOCK_FACTS) and row.clock is not None:
        facts = ClockFacts.from_json(row.clock).after(event)
        values |= {"clock": facts.to_json(), **derived(facts, await calendar())}
    if values:
        where = cases.c.case_id == event.case_id
        await conn.execute(update(cases).where(where).values(**values))
    return True


async def record_reported(conn: AsyncConnection, env: Envelope, event: s.CaseEvent) -> None:
    """Keep the event in the case's timeline, and a sealed decision for the download."""
    data = env.data
    if isinstance(event, s.CaseDecisionIssued | s.CaseEscalationReturned) and event.pdf:
        await _keep_decision(conn, event)
        data = {k: v for k, v in data.items() if k not in ("document", "pdf", "seal")}
        data["document_id"] = event.document.get("document_id", "")
    await conn.execute(
        insert(case_timeline).values(
            event_id=env.id,
            case_id=event.case_id,
            type=env.type,
            source=env.source,
            at=env.time,
            data=data,
        )
    )


async def _keep_decision(
    conn: AsyncConnection, event: s.CaseDecisionIssued | s.CaseEscalationReturned
) -> None:
    """The sealed document (issued here, or returned by the deciding center of an escalated
    case), for the applicant's download by case number and query code."""
    t = published_decisions
    if isinstance(event, s.CaseDecisionIssued):
        key, at = event.public_key_pem, event.issued_at
    else:
        key, at = "", event.returned_at
    await conn.execute(delete(t).where(t.c.case_id == event.case_id))
    await conn.execute(
        insert(t).values(
            case_id=event.case_id,
            document_id=event.document.get("document_id", ""),
            document=event.document,
            pdf=event.pdf,
            seal=event.seal,
            public_key_pem=key,
            issued_at=at,
        )
    )


def derived(facts: ClockFacts, calendar: WorkCalendar) -> dict[str, Any]:
    """The deadline columns these facts give under calendar."""
    due = facts.deadline(calendar)
    return {"deadline": due.at, "due_day": due.due_day, "provisional": due.provisional}


def _decided(event: Event) -> dict[str, Any]:
    match event:
        case s.CaseDecided():
            return _outcome(event.decision, event.decided_at)
        case s.CaseDeemedApproved():
            return _outcome("deemed_approved", event.deemed_at)
        case s.CaseEscalationReturned():
            return _outcome(event.decision, event.returned_at)
        case s.JointCompleted():
            return _outcome(event.outcome, event.completed_at)
        case s.CaseWithdrawn():  # approval confirmed the withdrawal intake asked for
            return {**_outcome("withdrawn", event.withdrawn_at), "status": "withdrawn"}
    return {}


def _followed(event: Event) -> dict[str, Any]:
    """Approval's state of the accepted case, so that intake answers what approval does."""
    match event:
        case s.CaseSuspended():
            return {"progress": "suspended"}
        case s.CaseResumed():
            return {"progress": None}
        case s.CaseEscalated():
            return {"progress": "escalated"}
        case s.CaseDelivered():
            return {"delivered_at": event.delivered_at}
    return {}


def _outcome(outcome: str, at: datetime) -> dict[str, Any]:
    return {"outcome": outcome, "decided_at": at, "promise_due": None}

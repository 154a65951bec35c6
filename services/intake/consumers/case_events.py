"""What other services report about intake's cases: decisions, pauses, moved deadlines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import schemas as s
from libs.events.consumer import Handler
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.intake.adapters.tables import case_timeline, cases, published_decisions, utc


def tracking(own_source: str) -> Handler:
    """The handler for `case-events`; intake's own events are already applied, so skipped."""

    async def when_case_event_elsewhere_track_case(
        conn: AsyncConnection, env: Envelope, event: Event
    ) -> None:
        """Record another service's event on one of our cases; decisions close it."""
        if env.source == own_source or not isinstance(event, s.CaseEvent):
            return
        known = select(cases.c.added_days).where(cases.c.case_id == event.case_id)
        added = (await conn.execute(known)).scalar_one_or_none()
        if added is None:
            return  # another center's case
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
                at=utc(env.time),
                data=data,
            )
        )
        values = _facts(event, added)
        if values:
            where = cases.c.case_id == event.case_id
            await conn.execute(update(cases).where(where).values(**values))

    return when_case_event_elsewhere_track_case


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
            issued_at=utc(at),
        )
    )


def _facts(event: Event, added: int) -> dict[str, Any]:
    match event:
        case s.CaseDecided():
            return _decided(event.decision, event.decided_at)
        case s.CaseDeemedApproved():
            return _decided("deemed_approved", event.deemed_at)
        case s.CaseEscalationReturned():
            return _decided(event.decision, event.returned_at)
        case s.JointCompleted():
            return _decided(event.outcome, event.completed_at)
        case s.CaseResumed():
            return {
                "added_days": added + event.paused_working_days,
                **_deadline(event.deadline, event.due_day, event.provisional),
            }
        case s.CaseExtended():
            return {
                "added_days": added + event.days,
                **_deadline(event.deadline, event.due_day, event.provisional),
            }
        case s.CaseDeadlineChanged():
            return _deadline(event.deadline, event.due_day, event.provisional)
    return {}


def _decided(outcome: str, at: datetime) -> dict[str, Any]:
    return {"outcome": outcome, "decided_at": utc(at), "promise_due": None}


def _deadline(deadline: datetime, due_day: Any, provisional: bool) -> dict[str, Any]:
    return {"deadline": utc(deadline), "due_day": due_day, "provisional": provisional}

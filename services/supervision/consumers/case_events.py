"""Case events from every center, applied to the supervision projection."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import schemas as s
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.supervision.adapters.tables import supervised_cases as t

STATUS = {
    s.CaseSubmitted: "submitted",
    s.CaseSupplementRequested: "awaiting_supplement",
    s.CaseSupplemented: "submitted",
    s.CaseAccepted: "accepted",
    s.CaseRefused: "refused",
    s.CaseWithdrawn: "withdrawn",
    s.CaseReviewed: "reviewed",
    s.CaseSuspended: "suspended",
    s.CaseResumed: "accepted",
    s.CaseDecided: "decided",
    s.CaseDeemedApproved: "decided",
    s.CaseEscalated: "escalated",
    s.CaseDelivered: "delivered",
}


async def when_case_event_update_case(conn: AsyncConnection, env: Envelope, event: Event) -> None:
    """Keep one row per case with its status, item, department and deadline."""
    if not isinstance(event, s.CaseEvent):
        return
    values: dict[str, Any] = {"last_event": env.type, "updated_at": datetime.now(UTC)}
    if status := STATUS.get(type(event)):
        values["status"] = status
    values.update(_facts(event))
    exists = await conn.execute(select(t.c.case_id).where(t.c.case_id == event.case_id))
    if exists.first() is None:
        values.setdefault("status", "submitted")
        await conn.execute(insert(t).values(case_id=event.case_id, center=event.center, **values))
    else:
        await conn.execute(update(t).where(t.c.case_id == event.case_id).values(**values))


def _facts(event: s.CaseEvent) -> dict[str, Any]:
    match event:
        case s.CaseSubmitted():
            return {
                "case_no": event.case_no,
                "item_code": event.item_code,
                "department": event.department,
                "kind": event.kind,
                "received_at": event.submitted_at,
            }
        case s.CaseAccepted():
            return {
                "case_no": event.case_no,
                "item_code": event.item_code,
                "department": event.department,
                "kind": event.kind,
                "accepted_at": event.accepted_at,
                "deadline": event.deadline,
                "due_day": event.due_day,
                "limit_days": event.limit_days,
            }
        case s.CaseResumed() | s.CaseDeadlineChanged():
            return {"deadline": event.deadline, "due_day": event.due_day}
    return {}

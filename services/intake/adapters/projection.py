"""The `cases` read model, kept in step with a case's new events in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.caseclock import ClockFacts
from libs.events.contract import CaseAccepted, CaseDeadlineChanged, CaseSubmitted
from libs.events.registry import Event
from services.intake.adapters.tables import cases as t
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE, Case


async def project_case(
    conn: AsyncConnection, case: Case, new: Sequence[Event], *, now: datetime
) -> None:
    """Write the case's row after its new events were appended (and folded in)."""
    values = _state(case, now)
    for event in new:
        values.update(_deadline_facts(event))
    submitted = next((e for e in new if isinstance(e, CaseSubmitted)), None)
    if submitted is not None:
        await conn.execute(insert(t).values({**_identity(submitted), **values}))
    else:
        await conn.execute(update(t).where(t.c.case_id == case.stream_id).values(**values))


def _state(case: Case, now: datetime) -> dict[str, Any]:
    outstanding = case.status in OPEN_AFTER_ACCEPTANCE and bool(case.tolerated)
    return {
        "status": case.status,
        "promise_due": case.supplement_by if outstanding else None,
        "updated_at": now,
    }


def _identity(e: CaseSubmitted) -> dict[str, Any]:
    return {
        "case_id": e.case_id,
        "case_no": e.case_no,
        "center": e.center,
        "item_code": e.item_code,
        "item_version": e.item_version,
        "item_name": e.item_name,
        "department": e.department,
        "kind": e.kind,
        "channel": e.channel,
        "applicant_name": e.applicant.name,
        "applicant_id_no": e.applicant.id_no,
        "submitted_by": e.submitted_by,
        "submitted_at": e.submitted_at,
        "provisional": False,
    }


def _deadline_facts(event: Event) -> dict[str, Any]:
    match event:
        case CaseAccepted():
            return {
                "accepted_at": event.accepted_at,
                "limit_days": event.limit_days,
                "clock": ClockFacts(event.accepted_at, event.limit_days, event.kind).to_json(),
                "deadline": event.deadline,
                "due_day": event.due_day,
                "provisional": event.provisional,
            }
        case CaseDeadlineChanged():
            return {
                "deadline": event.deadline,
                "due_day": event.due_day,
                "provisional": event.provisional,
            }
    return {}

"""The clock of a case: pauses for special procedures and the one extension (time rules)."""

from __future__ import annotations

from datetime import date, datetime

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.contract import (
    CaseDeadlineChanged,
    CaseExtended,
    CaseResumed,
    CaseSuspended,
    Procedure,
)
from libs.events.registry import Event
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.rules import (
    ExtensionBeforeDeadline,
    ExtensionWithinCap,
    OneExtensionPerCase,
    OnePauseAtATime,
    OnlyPausedCasesResume,
    ReasonRequired,
    SpecialProcedureStatesItsDuration,
)

# 行政许可法 art. 45: the procedures whose time does not count and whose duration is told.
ART_45 = frozenset({"hearing", "expert_review", "inspection", "testing", "appraisal"})


def suspend(
    case: ApprovalCase,
    *,
    procedure: Procedure,
    reason: str,
    now: datetime,
    expected_days: int | None = None,
    calendar: WorkCalendar | None = None,
) -> list[Event]:
    """Stop the clock for 补正 or a special procedure (hearing, expert review, inspection …)."""
    case.ensure_open()
    if case.pause is not None:
        raise OnePauseAtATime(
            f"case {case.facts.case_no} is already suspended for {case.pause.procedure}"
        )
    return [
        CaseSuspended(
            **case.base(),
            procedure=procedure,
            suspended_at=now,
            reason=reason,
            expected_days=expected_days,
            expected_until=expected_duration(procedure, expected_days, now, calendar),
        )
    ]


def expected_duration(
    procedure: Procedure, expected_days: int | None, now: datetime, calendar: WorkCalendar | None
) -> date | None:
    """The working day a pause is expected to end on; a special procedure must state its
    expected working days (行政许可法 art. 45), 补正 and public notice may."""
    if procedure in ART_45 and not expected_days:
        raise SpecialProcedureStatesItsDuration(
            f"{procedure} (行政许可法 art. 45): give expected_days, the working days it will "
            "take; the applicant is told in writing"
        )
    if not expected_days:
        return None
    day = now.astimezone(SHANGHAI).date()
    return (calendar or WorkCalendar()).add_working_days(day, expected_days)


def resume(case: ApprovalCase, *, calendar: WorkCalendar, now: datetime) -> list[Event]:
    """Restart the clock; the deadline moves by the working days the pause covered."""
    case.ensure_open()
    if case.pause is None:
        raise OnlyPausedCasesResume(f"case {case.facts.case_no} is not suspended")
    assert case.clock is not None
    paused = calendar.paused_working_days(case.pause.since, now)
    deadline = case.clock.resumed(now).deadline(calendar)
    return [
        CaseResumed(
            **case.base(),
            resumed_at=now,
            suspended_at=case.pause.since,
            paused_working_days=paused,
            deadline=deadline.at,
            due_day=deadline.due_day,
            provisional=deadline.provisional,
        )
    ]


def extend(
    case: ApprovalCase,
    actor: Actor,
    *,
    days: int,
    reason: str,
    calendar: WorkCalendar,
    now: datetime,
) -> list[Event]:
    """延期: once, with a reason, at most the item's cap, and only before the deadline passes."""
    case.ensure_open()
    _may_extend(case, days=days, reason=reason, now=now)
    assert case.clock is not None
    deadline = case.clock.extended(days).deadline(calendar)
    moved = {
        "deadline": deadline.at,
        "due_day": deadline.due_day,
        "provisional": deadline.provisional,
    }
    extended = {
        "department": case.facts.department,
        "days": days,
        "reason": reason,
        "by": actor.sub,
    }
    return [
        CaseExtended.model_validate({**case.base(), **extended, "extended_at": now, **moved}),
        CaseDeadlineChanged.model_validate(
            {**case.base(), **moved, "cause": "extended", "note": reason}
        ),
    ]


def _may_extend(case: ApprovalCase, *, days: int, reason: str, now: datetime) -> None:
    facts, current = case.facts, case.current_deadline
    if case.extension is not None:
        raise OneExtensionPerCase(
            f"case {facts.case_no} was already extended by {case.extension.days} working days"
        )
    if not reason.strip():
        raise ReasonRequired("an extension states its reason")
    if not 1 <= days <= facts.extension_cap_days:
        raise ExtensionWithinCap(
            f"an extension of {facts.item_code} is 1 to {facts.extension_cap_days} working days,"
            f" not {days}"
        )
    if now > current.at:
        raise ExtensionBeforeDeadline(
            f"the deadline of case {facts.case_no} passed at {current.at.isoformat()}"
        )

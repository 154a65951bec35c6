"""One part of a joint case on its own: paused and resumed, routed around absence."""

from __future__ import annotations

from datetime import datetime

from libs.events import caseclock
from libs.events.calendar import WorkCalendar
from libs.events.contract import JointPartResumed, JointPartSuspended, Procedure, WorkAssigned
from libs.events.registry import Event
from services.approval.domain import joint_rules as rules
from services.approval.domain.case import ApprovalCase
from services.approval.domain.department import Department
from services.approval.domain.joint import joint_of, part_of
from services.approval.domain.timing import expected_duration


def suspend_part(
    case: ApprovalCase,
    *,
    department: str | None,
    procedure: Procedure,
    reason: str,
    now: datetime,
    expected_days: int | None = None,
    calendar: WorkCalendar | None = None,
) -> list[Event]:
    """Pause one part for 补正 or a special procedure; the other parts keep their clocks. A
    special procedure states its expected duration, as a whole case's does (art. 45)."""
    case.ensure_open()
    part = part_of(case, department)
    if not part.pending:
        raise rules.PartIsDecided(f"the {part.department} part is already {part.status}")
    if part.pause is not None:
        raise rules.OnePausePerPartAtATime(
            f"the {part.department} part is already suspended for {part.pause.procedure}"
        )
    expected = expected_duration(procedure, expected_days, now, calendar)
    return [
        JointPartSuspended(
            **case.base(),
            department=part.department,
            procedure=procedure,
            suspended_at=now,
            reason=reason,
            expected_days=expected_days,
            expected_until=expected,
        )
    ]


def resume_part(
    case: ApprovalCase, *, department: str | None, calendar: WorkCalendar, now: datetime
) -> list[Event]:
    """Restart one part's clock; its deadline moves by the working days its pause covered."""
    case.ensure_open()
    part = part_of(case, department)
    if part.pause is None:
        raise rules.OnlyPausedPartsResume(f"the {part.department} part is not suspended")
    paused = calendar.paused_working_days(part.pause.since, now)
    facts = part.clock or caseclock.ClockFacts(joint_of(case).started_at, part.limit_days, "joint")
    deadline = facts.suspended(part.pause.since).resumed(now).deadline(calendar)
    return [
        JointPartResumed(
            **case.base(),
            department=part.department,
            resumed_at=now,
            suspended_at=part.pause.since,
            paused_working_days=paused,
            deadline=deadline.at,
            due_day=deadline.due_day,
            provisional=deadline.provisional,
        )
    ]


def route_part_around(
    case: ApprovalCase, department: str, person: str, *, staff: Department, now: datetime
) -> list[Event]:
    """A/B岗 on a part: a step held by an absent person goes to the post's B (or the pool)."""
    if case.joint is None or case.decision is not None or case.status == "closed":
        return []
    part = case.joint.parts.get(department)
    if part is None or not part.pending or part.assignee != person:
        return []
    post = "approve" if part.step == "decide" else "review"
    holder = staff.holder(post)
    reviewer = part.review.reviewer if part.review else None
    return [
        WorkAssigned(
            **case.base(),
            department=department,
            step=part.step,
            post=post,
            assignee=None if holder in (person, reviewer) else holder,
            cause="absence",
            assigned_at=now,
        )
    ]

"""并联审批 on one case: start every part at once, then review, decide, pause and resume each.

"牵头受理、同步启动、限时办结": the lead department's window accepts, every department's part
starts at that instant with its own limit, each part goes through 一审一核 in its own
department, the case completes when every part approved, and one denial ends it as denied.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from libs.events import caseclock
from libs.events.calendar import WorkCalendar
from libs.events.contract import (
    CaseReviewed,
    JointCompleted,
    JointPartDecided,
    JointStarted,
    WorkAssigned,
    WorkOpened,
)
from libs.events.registry import Event
from services.approval.domain import joint_rules as rules
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.department import Department
from services.approval.domain.parts import JointState, Part
from services.approval.domain.rules import (
    DenialCitesAReason,
    OnlyTheAssigneeActs,
    ReviewBeforeDecision,
    ReviewerMayNotDecide,
    WindowMustBeAuthorized,
)


@dataclass(frozen=True)
class JointItem:
    """A joint catalogue item as approval knows it: lead, each department's limit, materials."""

    code: str
    lead_department: str
    limits: dict[str, int]
    promised_limit_days: int
    key_materials: frozenset[str] = frozenset()
    materials: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StageStart:
    """What a project adds when the case is one of its stages: its name, id and limit factor."""

    stage: str
    project_id: str = ""
    factor: float = 1.0


def shortened(limit_days: int, factor: float) -> int:
    """A limit shortened by the green channel's factor, never below one working day."""
    return limit_days if factor >= 1 else max(1, math.ceil(limit_days * factor))


def start_parts(
    facts: WorkOpened,
    item: JointItem,
    *,
    stage: StageStart,
    staff: Mapping[str, Department],
    calendar: WorkCalendar,
    now: datetime,
) -> list[Event]:
    """同步启动: every part starts at the acceptance instant, each with its own deadline."""
    start = facts.accepted_at
    base = {"case_id": facts.case_id, "center": facts.center}
    limits = {d: shortened(days, stage.factor) for d, days in item.limits.items()}
    due = {d: caseclock.deadline(start, n, "joint", (), 0, calendar).at for d, n in limits.items()}
    stage_deadline = None
    if stage.factor < 1:
        stage_limit = shortened(facts.limit_days, stage.factor)
        stage_deadline = caseclock.deadline(start, stage_limit, "joint", (), 0, calendar)
    started = JointStarted(
        **base,
        stage=stage.stage,
        lead_department=item.lead_department,
        parts=due,
        started_at=start,
        limits=limits,
        stage_deadline=stage_deadline.at if stage_deadline else None,
        stage_due_day=stage_deadline.due_day if stage_deadline else None,
        project_id=stage.project_id,
    )
    assigned = [_assigned(facts, d, staff.get(d), now) for d in limits]
    return [started, *assigned]


def _assigned(facts: WorkOpened, department: str, staff: Department | None, now: datetime) -> Event:
    return WorkAssigned(
        case_id=facts.case_id,
        center=facts.center,
        department=department,
        step="review",
        post="review",
        assignee=staff.holder("review") if staff else None,
        cause="opened",
        assigned_at=now,
    )


def part_of(case: ApprovalCase, department: str | None) -> Part:
    """The caller's department's part, or the rule saying it has none."""
    joint = joint_of(case)
    if department is None or department not in joint.parts:
        raise rules.OnlyPartDepartmentsAct(
            f"case {case.facts.case_no} has parts for {', '.join(joint.parts)},"
            f" not for {department or 'no department'}"
        )
    return joint.parts[department]


def _running(case: ApprovalCase, department: str | None) -> Part:
    case.ensure_open()
    part = part_of(case, department)
    if not part.pending:
        raise rules.PartIsDecided(f"the {part.department} part is already {part.status}")
    if part.pause is not None:
        raise rules.PausedPartsWait(
            f"the {part.department} part is suspended for {part.pause.procedure}; resume it first"
        )
    return part


def _ensure_assignee(case: ApprovalCase, part: Part, actor: Actor) -> None:
    if part.assignee is not None and actor.sub != part.assignee:
        raise OnlyTheAssigneeActs(
            f"the {part.step} step of the {part.department} part of case {case.facts.case_no}"
            f" is assigned to {part.assignee}, not {actor.sub}"
        )


def review_part(
    case: ApprovalCase,
    actor: Actor,
    *,
    department: str | None,
    opinion: str,
    comment: str,
    staff: Department,
    now: datetime,
) -> list[Event]:
    """一审 of one part; the part moves to its department's approver."""
    part = _running(case, department)
    if part.review is not None:
        raise rules.PartIsDecided(
            f"the {part.department} part was reviewed by {part.review.reviewer}"
        )
    _ensure_assignee(case, part, actor)
    approver = staff.holder("approve")
    reviewed = CaseReviewed.model_validate(
        {
            **case.base(),
            "reviewer": actor.sub,
            "opinion": opinion,
            "comment": comment,
            "department": part.department,
        }
    )
    moved = WorkAssigned(
        **case.base(),
        department=part.department,
        step="decide",
        post="approve",
        assignee=None if approver == actor.sub else approver,
        cause="step",
        assigned_at=now,
    )
    return [reviewed, moved]


def decide_part(
    case: ApprovalCase,
    actor: Actor,
    *,
    department: str | None,
    decision: str,
    reasons: str,
    now: datetime,
) -> list[Event]:
    """一核 of one part; the last approval completes the case, any denial ends it denied."""
    part = _running(case, department)
    if actor.role == "clerk":
        raise WindowMustBeAuthorized("a joint part goes through 一审一核, not the window alone")
    if decision == "denied" and not reasons.strip():
        raise DenialCitesAReason("a denial (不予许可) must cite its reasons")
    if part.review is None:
        raise ReviewBeforeDecision(f"the {part.department} part has no reviewer's opinion yet")
    if actor.sub == part.review.reviewer:
        raise ReviewerMayNotDecide(
            f"{actor.sub} reviewed the {part.department} part and may not also decide it (一审一核)"
        )
    _ensure_assignee(case, part, actor)
    joint = joint_of(case)
    decided = JointPartDecided.model_validate(
        {
            **case.base(),
            "department": part.department,
            "decision": decision,
            "decided_at": now,
            "reasons": reasons,
            "decided_by": actor.sub,
            "stage": joint.stage,
        }
    )
    return [decided, *_completion(case, joint, part, decision, reasons, now)]


def _completion(
    case: ApprovalCase, joint: JointState, part: Part, decision: str, reasons: str, now: datetime
) -> list[Event]:
    if decision == "denied":
        return [
            JointCompleted(
                **case.base(),
                outcome="denied",
                completed_at=now,
                reasons=f"{part.department}: {reasons}",
                denied_by=part.department,
                project_id=joint.project_id,
            )
        ]
    others = [p for d, p in joint.parts.items() if d != part.department]
    if any(p.status != "approved" for p in others):
        return []
    return [
        JointCompleted(
            **case.base(), outcome="approved", completed_at=now, project_id=joint.project_id
        )
    ]


def joint_of(case: ApprovalCase) -> JointState:
    if case.joint is None:
        raise rules.JointItemMustBeKnown(f"case {case.facts.case_no} is not a joint case")
    return case.joint

"""Review, decide, suspend and resume one department's part of a joint case."""

from __future__ import annotations

from datetime import datetime

from libs.events.auth import Principal
from libs.events.calendar import WorkCalendar
from libs.events.contract import Procedure
from libs.events.registry import Event
from services.approval.application.ports import ApprovalTx
from services.approval.application.unit import actor_of, department
from services.approval.domain.agency import ensure_materials_complete
from services.approval.domain.case import ApprovalCase
from services.approval.domain.joint import decide_part, review_part
from services.approval.domain.joint_parts import resume_part, suspend_part
from services.approval.domain.joint_rules import JointPartsHaveTheirOwnClocks
from services.approval.domain.projects import Project, project_stream


async def review_joint_part(
    tx: ApprovalTx,
    case: ApprovalCase,
    principal: Principal,
    *,
    opinion: str,
    comment: str,
    now: datetime,
) -> list[Event]:
    """一审 of the caller's department's part."""
    staff = await department(tx, principal.department or "")
    return review_part(
        case,
        actor_of(principal),
        department=principal.department,
        opinion=opinion,
        comment=comment,
        staff=staff,
        now=now,
    )


async def decide_joint_part(
    tx: ApprovalTx,
    case: ApprovalCase,
    principal: Principal,
    *,
    decision: str,
    reasons: str,
    now: datetime,
) -> list[Event]:
    """一核 of the caller's department's part (completing or ending the case)."""
    if case.joint is not None and case.joint.project_id:
        project = await tx.events.load(Project, project_stream(case.joint.project_id))
        ensure_materials_complete(project, case.stream_id)
    return decide_part(
        case,
        actor_of(principal),
        department=principal.department,
        decision=decision,
        reasons=reasons,
        now=now,
    )


def suspend_joint_part(
    case: ApprovalCase,
    principal: Principal,
    *,
    procedure: Procedure,
    reason: str,
    expected_days: int | None,
    calendar: WorkCalendar,
    now: datetime,
) -> list[Event]:
    """Pause the caller's department's part only (a special procedure with its expected days)."""
    return suspend_part(
        case,
        department=principal.department,
        procedure=procedure,
        reason=reason,
        now=now,
        expected_days=expected_days,
        calendar=calendar,
    )


async def resume_joint_part(
    tx: ApprovalTx, case: ApprovalCase, principal: Principal, *, now: datetime
) -> list[Event]:
    """Resume the caller's department's part; its deadline moves by the paused days."""
    calendar = await tx.calendar()
    return resume_part(case, department=principal.department, calendar=calendar, now=now)


def refuse_on_joint(case: ApprovalCase, command: str) -> None:
    """Extension, hand-over and countersign act on a whole case; a joint case has parts."""
    if case.joint is not None:
        raise JointPartsHaveTheirOwnClocks(
            f"case {case.facts.case_no} is a joint case; {command} is not available on its parts"
        )

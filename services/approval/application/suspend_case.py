"""Stop a case's clock for correction or a special procedure; resume it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.auth import Principal
from libs.events.calendar import WorkCalendar
from libs.events.clock import Clock
from libs.events.contract import Procedure
from libs.events.registry import Event
from services.approval.application.joint.parts import resume_joint_part, suspend_joint_part
from services.approval.application.notices import notify_suspension
from services.approval.application.ports import ApprovalUnit
from services.approval.application.unit import CaseView, case_for, commit, viewed
from services.approval.config import Settings
from services.approval.domain.case import ApprovalCase
from services.approval.domain.timing import ART_45, resume, suspend


@dataclass(frozen=True)
class SuspendCase:
    """Suspend a case for a procedure."""

    case_id: str
    procedure: Procedure
    reason: str = ""
    expected_days: int | None = None


async def suspend_case(
    cmd: SuspendCase, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> CaseView:
    """Append `case.suspended`; paused time will not count; for a special procedure the
    applicant is sent the written notice of art. 45 (in the same transaction)."""
    channel = settings.notify_channel
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        events = _paused(case, cmd, principal, await tx.calendar(), clock.now())
        await commit(tx, case, events, channel=channel)
        if cmd.procedure in ART_45 and not case.facts.escalated_from:
            if case.joint is not None:
                await notify_suspension(tx, case, channel=channel, part=principal.department or "")
            elif case.pause is not None:
                await notify_suspension(tx, case, channel=channel)
        return await viewed(tx, case)


def _paused(
    case: ApprovalCase,
    cmd: SuspendCase,
    principal: Principal,
    calendar: WorkCalendar,
    now: datetime,
) -> list[Event]:
    """The whole case pauses, or (a joint case) the caller's department's part only."""
    if case.joint is not None:  # one part pauses; the others run on
        return suspend_joint_part(
            case,
            principal,
            procedure=cmd.procedure,
            reason=cmd.reason,
            expected_days=cmd.expected_days,
            calendar=calendar,
            now=now,
        )
    return suspend(
        case,
        procedure=cmd.procedure,
        reason=cmd.reason,
        now=now,
        expected_days=cmd.expected_days,
        calendar=calendar,
    )


@dataclass(frozen=True)
class ResumeCase:
    """Resume a suspended case."""

    case_id: str


async def resume_case(
    cmd: ResumeCase, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> CaseView:
    """Append `case.resumed` with the new deadline (a joint case: the caller's part's)."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        if case.joint is not None:
            events = await resume_joint_part(tx, case, principal, now=clock.now())
        else:
            events = resume(case, calendar=await tx.calendar(), now=clock.now())
        await commit(tx, case, events, channel=settings.notify_channel)
        return await viewed(tx, case)

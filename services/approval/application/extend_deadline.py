"""延期: the one extension of a case, capped by its item's rules."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.joint.parts import refuse_on_joint
from services.approval.application.ports import ApprovalUnit
from services.approval.application.unit import CaseView, actor_of, case_for, commit, viewed
from services.approval.config import Settings
from services.approval.domain.timing import extend


@dataclass(frozen=True)
class ExtendDeadline:
    """Extend a case by some working days, with a reason."""

    case_id: str
    days: int
    reason: str


async def extend_deadline(
    cmd: ExtendDeadline,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> CaseView:
    """Append `case.extended` and `case.deadline_changed` (cause `extended`)."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        refuse_on_joint(case, "an extension (延期)")
        events = extend(
            case,
            actor_of(principal),
            days=cmd.days,
            reason=cmd.reason,
            calendar=await tx.calendar(),
            now=clock.now(),
        )
        await commit(tx, case, events, channel=settings.notify_channel)
        return await viewed(tx, case)

"""委派 and 转办: a work item goes to another person of the department, with a reason;
会签: the approvers who must all sign a case."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.joint.parts import refuse_on_joint
from services.approval.application.ports import ApprovalUnit
from services.approval.application.unit import (
    CaseView,
    actor_of,
    case_for,
    commit,
    department,
    viewed,
)
from services.approval.config import Settings
from services.approval.domain.handover import HandOverMode, hand_over, require_countersign


@dataclass(frozen=True)
class HandOver:
    """Delegate or transfer a case's current step."""

    case_id: str
    mode: HandOverMode
    to: str
    reason: str


async def hand_over_case(
    cmd: HandOver, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> CaseView:
    """Append `work.transferred`."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        refuse_on_joint(case, "a hand-over (委派/转办)")
        staff = await department(tx, case.facts.department)
        events = hand_over(
            case,
            actor_of(principal),
            mode=cmd.mode,
            to=cmd.to,
            reason=cmd.reason,
            staff=staff,
            now=clock.now(),
        )
        await commit(tx, case, events, channel=settings.notify_channel)
        return await viewed(tx, case)


@dataclass(frozen=True)
class RequireCountersign:
    """Require every named approver's signature on a case."""

    case_id: str
    approvers: list[str]
    reason: str = ""


async def require_countersign_on_case(
    cmd: RequireCountersign,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> CaseView:
    """Append `work.countersign_required` (absent approvers replaced by their B post)."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        refuse_on_joint(case, "a countersign (会签)")
        staff = await department(tx, case.facts.department)
        events = require_countersign(
            case,
            actor_of(principal),
            approvers=cmd.approvers,
            reason=cmd.reason,
            staff=staff,
            now=clock.now(),
        )
        await commit(tx, case, events, channel=settings.notify_channel)
        return await viewed(tx, case)

"""一核: the decision, by a different person from the reviewer, sealed and delivered."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.joint.parts import decide_joint_part
from services.approval.application.ports import ApprovalUnit, Seals
from services.approval.application.sealing import issue_document
from services.approval.application.unit import CaseView, actor_of, case_for, commit, viewed
from services.approval.config import Settings
from services.approval.domain.decisions import Outcome, decide


@dataclass(frozen=True)
class DecideCase:
    """Approve or deny a case, with reasons."""

    case_id: str
    decision: Outcome
    reasons: str = ""


async def decide_case(
    cmd: DecideCase,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
    seals: Seals,
) -> CaseView:
    """Decide (or countersign); the last signature issues the sealed document and the notice,
    once the decision's transaction has committed."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        if case.joint is not None:  # 并联审批: the caller's department's part
            events = await decide_joint_part(
                tx, case, principal, decision=cmd.decision, reasons=cmd.reasons, now=clock.now()
            )
        else:
            actor = actor_of(principal)
            events = decide(
                case, actor, decision=cmd.decision, reasons=cmd.reasons, now=clock.now()
            )
        await commit(tx, case, events, channel=settings.notify_channel)
        view = await viewed(tx, case)
    if case.decision is not None:
        await issue_document(case.stream_id, uow=uow, clock=clock, settings=settings, seals=seals)
    return view

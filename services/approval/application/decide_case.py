"""一核: the decision, by a different person from the reviewer, sealed and delivered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.joint.parts import decide_joint_part
from services.approval.application.unit import actor_of, case_for, commit
from services.approval.domain.case import ApprovalCase
from services.approval.domain.decisions import Outcome, decide


@dataclass(frozen=True)
class DecideCase:
    """Approve or deny a case, with reasons."""

    case_id: str
    decision: Outcome
    reasons: str = ""


async def decide_case(
    conn: AsyncConnection, cmd: DecideCase, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Decide (or countersign); the last signature issues the sealed document and the notice."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    if case.joint is not None:  # 并联审批: the caller's department's part
        events = await decide_joint_part(
            conn, ctx, case, principal, decision=cmd.decision, reasons=cmd.reasons
        )
    else:
        events = decide(
            case, actor_of(principal), decision=cmd.decision, reasons=cmd.reasons, now=ctx.now()
        )
    await commit(conn, ctx, case, events)
    return case

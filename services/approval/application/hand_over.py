"""委派 and 转办: a work item goes to another person of the department, with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.joint.parts import refuse_on_joint
from services.approval.application.unit import actor_of, case_for, commit, department
from services.approval.domain.case import ApprovalCase
from services.approval.domain.handover import HandOverMode, hand_over


@dataclass(frozen=True)
class HandOver:
    """Delegate or transfer a case's current step."""

    case_id: str
    mode: HandOverMode
    to: str
    reason: str


async def hand_over_case(
    conn: AsyncConnection, cmd: HandOver, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Append `work.transferred`."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    refuse_on_joint(case, "a hand-over (委派/转办)")
    staff = await department(conn, ctx, case.facts.department)
    events = hand_over(
        case,
        actor_of(principal),
        mode=cmd.mode,
        to=cmd.to,
        reason=cmd.reason,
        staff=staff,
        now=ctx.now(),
    )
    await commit(conn, ctx, case, events)
    return case

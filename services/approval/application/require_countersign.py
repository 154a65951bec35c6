"""会签 on one case: name the approvers who must all sign."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.joint.parts import refuse_on_joint
from services.approval.application.unit import actor_of, case_for, commit, department
from services.approval.domain.case import ApprovalCase
from services.approval.domain.handover import require_countersign


@dataclass(frozen=True)
class RequireCountersign:
    """Require every named approver's signature on a case."""

    case_id: str
    approvers: list[str]
    reason: str = ""


async def require_countersign_on_case(
    conn: AsyncConnection, cmd: RequireCountersign, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Append `work.countersign_required` (absent approvers replaced by their B post)."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    refuse_on_joint(case, "a countersign (会签)")
    staff = await department(conn, ctx, case.facts.department)
    events = require_countersign(
        case,
        actor_of(principal),
        approvers=cmd.approvers,
        reason=cmd.reason,
        staff=staff,
        now=ctx.now(),
    )
    await commit(conn, ctx, case, events)
    return case

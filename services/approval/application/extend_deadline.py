"""延期: the one extension of a case, capped by its item's rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.joint.parts import refuse_on_joint
from services.approval.application.unit import actor_of, case_for, commit
from services.approval.domain.case import ApprovalCase
from services.approval.domain.timing import extend


@dataclass(frozen=True)
class ExtendDeadline:
    """Extend a case by some working days, with a reason."""

    case_id: str
    days: int
    reason: str


async def extend_deadline(
    conn: AsyncConnection, cmd: ExtendDeadline, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Append `case.extended` and `case.deadline_changed` (cause `extended`)."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    refuse_on_joint(case, "an extension (延期)")
    calendar = await ctx.runtime.calendar(conn)
    events = extend(
        case,
        actor_of(principal),
        days=cmd.days,
        reason=cmd.reason,
        calendar=calendar,
        now=ctx.now(),
    )
    await commit(conn, ctx, case, events)
    return case

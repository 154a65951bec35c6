"""Stop a case's clock for correction or a special procedure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.contract import Procedure
from services.approval.application.context import Context
from services.approval.application.joint.parts import suspend_joint_part
from services.approval.application.sealing import notify_suspension
from services.approval.application.unit import case_for, commit
from services.approval.domain.case import ApprovalCase
from services.approval.domain.timing import ART_45, suspend


@dataclass(frozen=True)
class SuspendCase:
    """Suspend a case for a procedure."""

    case_id: str
    procedure: Procedure
    reason: str = ""
    expected_days: int | None = None


async def suspend_case(
    conn: AsyncConnection, cmd: SuspendCase, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Append `case.suspended`; paused time will not count; for a special procedure the
    applicant is sent the written notice of art. 45 (in the same transaction)."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    calendar = await ctx.runtime.calendar(conn)
    if case.joint is not None:  # one part pauses; the others run on
        events = suspend_joint_part(
            ctx,
            case,
            principal,
            procedure=cmd.procedure,
            reason=cmd.reason,
            expected_days=cmd.expected_days,
            calendar=calendar,
        )
    else:
        events = suspend(
            case,
            procedure=cmd.procedure,
            reason=cmd.reason,
            now=ctx.now(),
            expected_days=cmd.expected_days,
            calendar=calendar,
        )
    await commit(conn, ctx, case, events)
    if cmd.procedure in ART_45 and not case.facts.escalated_from:
        if case.joint is not None:
            await notify_suspension(conn, ctx, case, part=principal.department or "")
        elif case.pause is not None:
            await notify_suspension(conn, ctx, case)
    return case

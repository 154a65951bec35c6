"""Restart a suspended case's clock; its deadline moves by the paused working days."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.joint.parts import resume_joint_part
from services.approval.application.unit import case_for, commit
from services.approval.domain.case import ApprovalCase
from services.approval.domain.timing import resume


@dataclass(frozen=True)
class ResumeCase:
    """Resume a suspended case."""

    case_id: str


async def resume_case(
    conn: AsyncConnection, cmd: ResumeCase, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Append `case.resumed` with the new deadline."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    if case.joint is not None:  # the caller's department's part
        await commit(conn, ctx, case, await resume_joint_part(conn, ctx, case, principal))
        return case
    calendar = await ctx.runtime.calendar(conn)
    events = resume(case, calendar=calendar, now=ctx.now())
    await commit(conn, ctx, case, events)
    return case

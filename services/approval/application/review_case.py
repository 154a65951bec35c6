"""一审: the reviewer's opinion (and, for a reported case, its escalation)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from services.approval.application.context import Context
from services.approval.application.unit import actor_of, case_for, commit, department
from services.approval.domain.case import ApprovalCase
from services.approval.domain.decisions import Opinion, review


@dataclass(frozen=True)
class ReviewCase:
    """Give the review opinion on a case."""

    case_id: str
    opinion: Opinion
    comment: str = ""


async def review_case(
    conn: AsyncConnection, cmd: ReviewCase, *, ctx: Context, principal: Principal
) -> ApprovalCase:
    """Record the opinion and hand the case to the approver's post."""
    case = await case_for(conn, ctx, cmd.case_id, principal)
    staff = await department(conn, ctx, case.facts.department)
    events = review(
        case,
        actor_of(principal),
        opinion=cmd.opinion,
        comment=cmd.comment,
        staff=staff,
        now=ctx.now(),
    )
    await commit(conn, ctx, case, events)
    return case

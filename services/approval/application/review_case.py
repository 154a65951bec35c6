"""一审: the reviewer's opinion (and, for a reported case, its escalation)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.contract import MaskedApplicant
from libs.events.privacy import mask_name, mask_number
from services.approval.adapters.references import contact_of, materials_of
from services.approval.application.context import Context
from services.approval.application.joint.parts import review_joint_part
from services.approval.application.unit import actor_of, case_for, commit, department
from services.approval.domain.case import ApprovalCase
from services.approval.domain.decisions import Opinion, SentUp, review


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
    if case.joint is not None:  # 并联审批: the caller's department's part
        parts = await review_joint_part(
            conn, ctx, case, principal, opinion=cmd.opinion, comment=cmd.comment
        )
        await commit(conn, ctx, case, parts)
        return case
    staff = await department(conn, ctx, case.facts.department)
    events = review(
        case,
        actor_of(principal),
        opinion=cmd.opinion,
        comment=cmd.comment,
        staff=staff,
        now=ctx.now(),
        sent_up=await _sent_up(conn, case) if case.step == "pre_review" else SentUp(),
    )
    await commit(conn, ctx, case, events)
    return case


async def _sent_up(conn: AsyncConnection, case: ApprovalCase) -> SentUp:
    """上报 carries the applicant masked, and the materials received."""
    contact = await contact_of(conn, case.stream_id)
    applicant = None
    if contact is not None:
        phone = mask_number(contact.phone, head=3, tail=4) if contact.phone else ""
        applicant = MaskedApplicant(name=mask_name(contact.name), phone=phone)
    return SentUp(applicant, tuple(await materials_of(conn, case.stream_id)))

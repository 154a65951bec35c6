"""一审: the reviewer's opinion (and, for a reported case, its escalation)."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import MaskedApplicant
from libs.events.privacy import mask_name, mask_number
from services.approval.application.joint.parts import review_joint_part
from services.approval.application.ports import ApprovalTx, ApprovalUnit
from services.approval.application.unit import (
    CaseView,
    actor_of,
    case_for,
    commit,
    department,
    viewed,
)
from services.approval.config import Settings
from services.approval.domain.case import ApprovalCase
from services.approval.domain.decisions import Opinion, SentUp, review


@dataclass(frozen=True)
class ReviewCase:
    """Give the review opinion on a case."""

    case_id: str
    opinion: Opinion
    comment: str = ""


async def review_case(
    cmd: ReviewCase, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> CaseView:
    """Record the opinion and hand the case to the approver's post."""
    async with uow.begin() as tx:
        case = await case_for(tx, cmd.case_id, principal)
        if case.joint is not None:  # 并联审批: the caller's department's part
            events = await review_joint_part(
                tx, case, principal, opinion=cmd.opinion, comment=cmd.comment, now=clock.now()
            )
        else:
            staff = await department(tx, case.facts.department)
            events = review(
                case,
                actor_of(principal),
                opinion=cmd.opinion,
                comment=cmd.comment,
                staff=staff,
                now=clock.now(),
                sent_up=await _sent_up(tx, case) if case.step == "pre_review" else SentUp(),
            )
        await commit(tx, case, events, channel=settings.notify_channel)
        return await viewed(tx, case)


async def _sent_up(tx: ApprovalTx, case: ApprovalCase) -> SentUp:
    """上报 carries the applicant masked, and the materials received."""
    contact = await tx.views.contact_of(case.stream_id)
    applicant = None
    if contact is not None:
        phone = mask_number(contact.phone, head=3, tail=4) if contact.phone else ""
        applicant = MaskedApplicant(name=mask_name(contact.name), phone=phone)
    return SentUp(applicant, tuple(await tx.views.materials_of(case.stream_id)))

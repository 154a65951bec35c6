"""一审一核 and the decision: review, decide (window, approver, countersign), deem approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from libs.events.clock import SHANGHAI
from libs.events.contract import (
    CaseCountersigned,
    CaseDecided,
    CaseDeemedApproved,
    CaseEscalated,
    CaseReviewed,
    MaskedApplicant,
    WorkAssigned,
)
from libs.events.registry import Event
from services.approval.domain.case import Actor, ApprovalCase, document_id_for
from services.approval.domain.department import Department
from services.approval.domain.rules import (
    AlreadySigned,
    DenialCitesAReason,
    OneReviewPerCase,
    OnlyCountersignersSign,
    ReportedCasesAreDecidedAbove,
    ReviewBeforeDecision,
    ReviewerMayNotDecide,
    WindowDecidesSameDay,
    WindowMustBeAuthorized,
)

Opinion = Literal["approve", "deny"]
Outcome = Literal["approved", "denied"]


@dataclass(frozen=True)
class SentUp:
    """What a reported case takes up besides its work facts: the masked applicant, materials."""

    applicant: MaskedApplicant | None = None
    materials: tuple[str, ...] = ()


def review(
    case: ApprovalCase,
    actor: Actor,
    *,
    opinion: Opinion,
    comment: str,
    staff: Department,
    now: datetime,
    sent_up: SentUp = SentUp(),
) -> list[Event]:
    """The reviewer's opinion; then the approver's step, or escalation for a reported case."""
    case.ensure_running()
    if case.reviews:
        first = case.reviews[0].reviewer
        raise OneReviewPerCase(f"case {case.facts.case_no} was reviewed by {first}")
    if case.step != "window":  # a window case may always be taken into review
        case.ensure_assignee(actor)
    reviewed = CaseReviewed(
        **case.base(),
        reviewer=actor.sub,
        opinion=opinion,
        comment=comment,
        department=case.facts.department,
    )
    if case.step == "pre_review":
        return [reviewed, escalation(case, opinion=opinion, now=now, sent_up=sent_up)]
    return [reviewed, _to_approver(case, actor, staff=staff, now=now)]


def _to_approver(case: ApprovalCase, reviewer: Actor, *, staff: Department, now: datetime) -> Event:
    approver = None if case.countersigners else staff.holder("approve")
    if approver == reviewer.sub:  # holding both posts must not make one person decide alone
        approver = None
    return WorkAssigned(
        **case.base(),
        department=case.facts.department,
        step="decide",
        post="approve",
        assignee=approver,
        cause="step",
        assigned_at=now,
    )


def escalation(
    case: ApprovalCase, *, opinion: Opinion, now: datetime, sent_up: SentUp = SentUp()
) -> CaseEscalated:
    """上报: everything the deciding center needs to open the work."""
    facts, deadline = case.facts, case.current_deadline
    return CaseEscalated(
        **case.base(),
        to_center=facts.escalate_to,
        escalated_at=now,
        item_code=facts.item_code,
        department=facts.department,
        case_no=facts.case_no,
        item_version=facts.item_version,
        item_name=facts.item_name,
        kind=facts.kind,
        accepted_at=facts.accepted_at,
        limit_days=facts.limit_days,
        deadline=deadline.at,
        due_day=deadline.due_day,
        provisional=deadline.provisional,
        deemed_approval=facts.deemed_approval,
        applicant=sent_up.applicant,
        materials=list(sent_up.materials),
        opinion=opinion,
    )


def decide(
    case: ApprovalCase, actor: Actor, *, decision: Outcome, reasons: str, now: datetime
) -> list[Event]:
    """准予 or 不予: by an authorized window clerk, the approver, or the last countersigner."""
    case.ensure_running()
    if not case.decided_here or case.step == "pre_review":
        raise ReportedCasesAreDecidedAbove(
            f"case {case.facts.case_no} is pre-reviewed here and decided by"
            f" {case.facts.escalate_to}"
        )
    if decision == "denied" and not reasons.strip():
        raise DenialCitesAReason("a denial (不予许可) must cite its reasons")
    if actor.role == "clerk":
        return _decide_at_window(case, actor, decision=decision, reasons=reasons, now=now)
    if not case.reviews:
        raise ReviewBeforeDecision(f"case {case.facts.case_no} has no reviewer's opinion yet")
    if actor.sub in case.reviewers:
        raise ReviewerMayNotDecide(
            f"{actor.sub} reviewed case {case.facts.case_no} and may not also decide it (一审一核)"
        )
    if case.countersigners:
        return _countersign(case, actor, decision=decision, reasons=reasons, now=now)
    case.ensure_assignee(actor)
    return [decided(case, decision, reasons=reasons, by=actor.sub, now=now)]


def _decide_at_window(
    case: ApprovalCase, actor: Actor, *, decision: Outcome, reasons: str, now: datetime
) -> list[Event]:
    facts = case.facts
    if not facts.window_decides or case.step != "window":
        raise WindowMustBeAuthorized(
            f"the {facts.department} window is not authorized to decide case {facts.case_no} "
            f"({facts.kind}) alone; it goes to review and approval"
        )
    accepted_on = facts.accepted_at.astimezone(SHANGHAI).date()
    if now.astimezone(SHANGHAI).date() != accepted_on:
        raise WindowDecidesSameDay(
            f"case {facts.case_no} was accepted on {accepted_on}; after that day it is reviewed"
        )
    case.ensure_assignee(actor)
    return [decided(case, decision, reasons=reasons, by=actor.sub, now=now)]


def _countersign(
    case: ApprovalCase, actor: Actor, *, decision: Outcome, reasons: str, now: datetime
) -> list[Event]:
    if actor.sub not in case.countersigners:
        raise OnlyCountersignersSign(
            f"case {case.facts.case_no} is countersigned by {', '.join(case.countersigners)}"
        )
    if actor.sub in case.signatures:
        raise AlreadySigned(f"{actor.sub} already signed case {case.facts.case_no}")
    signed = CaseCountersigned(
        **case.base(),
        department=case.facts.department,
        approver=actor.sub,
        decision=decision,
        reasons=reasons,
        signed_at=now,
    )
    if decision == "denied":  # one refusal is enough: 会签 needs every signature
        return [signed, decided(case, "denied", reasons=reasons, by=actor.sub, now=now)]
    signatures = {**case.signatures, actor.sub: signed}
    if any(person not in signatures for person in case.countersigners):
        return [signed]
    every = "; ".join(s.reasons for s in signatures.values() if s.reasons)
    by = ",".join(case.countersigners)
    return [signed, decided(case, "approved", reasons=every, by=by, now=now)]


def decided(
    case: ApprovalCase, decision: Outcome, *, reasons: str, by: str, now: datetime
) -> CaseDecided:
    """The decision event with its document number."""
    return CaseDecided(
        **case.base(),
        decision=decision,
        reasons=reasons,
        decided_by=by,
        department=case.facts.department,
        decided_at=now,
        document_id=document_id_for(case.facts.case_no),
    )


def deemable(case: ApprovalCase, now: datetime) -> bool:
    """超时默许 applies: allowed, decided here, running, undecided, and the deadline passed."""
    return (
        case.opened is not None
        and case.status == "open"
        and case.facts.deemed_approval
        and case.decided_here
        and now > case.current_deadline.at
    )


def deem_approved(case: ApprovalCase, now: datetime) -> list[Event]:
    """The deemed approval when it applies; nothing otherwise."""
    if not deemable(case, now):
        return []
    return [
        CaseDeemedApproved(
            **case.base(),
            deemed_at=now,
            deadline=case.current_deadline.at,
            department=case.facts.department,
            document_id=document_id_for(case.facts.case_no),
        )
    ]

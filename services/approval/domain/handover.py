"""Hand-overs: 委派 and 转办 between people, 会签 requirements, and routing around absences."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from libs.events.contract import WorkAssigned, WorkCountersignRequired, WorkTransferred
from libs.events.registry import Event
from services.approval.domain.case import STEP_POST, Actor, ApprovalCase
from services.approval.domain.decisions import decided
from services.approval.domain.department import Department
from services.approval.domain.rules import (
    CountersignNeedsApprovers,
    HandOverStaysInDepartment,
    HandOverToWhoCanAct,
    OnlyTheAssigneeActs,
    ReasonRequired,
    ReviewerMayNotDecide,
)

HandOverMode = Literal["delegated", "transferred"]


def hand_over(
    case: ApprovalCase,
    actor: Actor,
    *,
    mode: HandOverMode,
    to: str,
    reason: str,
    staff: Department,
    now: datetime,
) -> list[Event]:
    """Give the current step to another present person of the department, with a reason."""
    _may_hand_over(case, actor, to=to, reason=reason, staff=staff)
    return [
        WorkTransferred(
            **case.base(),
            department=case.facts.department,
            mode=mode,
            from_assignee=case.assignee,
            to_assignee=to,
            by=actor.sub,
            reason=reason,
            transferred_at=now,
        )
    ]


def _may_hand_over(
    case: ApprovalCase, actor: Actor, *, to: str, reason: str, staff: Department
) -> None:
    case.ensure_open()
    if not reason.strip():
        raise ReasonRequired("a hand-over states its reason")
    leader = actor.role in ("approver", "admin")
    if not leader and case.assignee != actor.sub:
        raise OnlyTheAssigneeActs(
            f"case {case.facts.case_no} is held by {case.assignee or 'the department'};"
            " only its holder or a leader hands it over"
        )
    if to in (actor.sub, case.assignee) or not staff.may_receive(to):
        raise HandOverStaysInDepartment(
            f"{to} cannot take case {case.facts.case_no}: a hand-over goes to another present "
            f"person of {case.facts.department}"
        )
    post = STEP_POST[case.step]
    if not staff.holds(to, post):
        raise HandOverToWhoCanAct(
            f"{to} cannot act on the {case.step} step of case {case.facts.case_no}: hand it to a "
            f"holder of the {post} post of {case.facts.department} (A/B岗)"
        )


def require_countersign(
    case: ApprovalCase,
    actor: Actor,
    *,
    approvers: list[str],
    reason: str,
    staff: Department,
    now: datetime,
) -> list[Event]:
    """会签 on this case: every named approver (or their stand-in) must sign."""
    case.ensure_open()
    people = staff.substitutes(approvers)
    if not people:
        raise CountersignNeedsApprovers("会签 names at least one present approver")
    reviewed = case.reviewers & set(people)
    if reviewed:
        raise ReviewerMayNotDecide(
            f"{', '.join(sorted(reviewed))} reviewed case {case.facts.case_no} and may not sign it"
        )
    return [
        WorkCountersignRequired(
            **case.base(),
            department=case.facts.department,
            approvers=people,
            by=actor.sub,
            reason=reason,
            required_at=now,
        )
    ]


def route_around(
    case: ApprovalCase, person: str, *, staff: Department, now: datetime
) -> list[Event]:
    """Nothing waits on an absent person: their step goes to the post's B, their signature too."""
    if case.opened is None or case.decision is not None or case.status in ("closed", "escalated"):
        return []
    events: list[Event] = []
    if case.assignee == person:
        holder = staff.holder(STEP_POST[case.step])
        events.append(
            WorkAssigned(
                **case.base(),
                department=case.facts.department,
                step=case.step,
                post=STEP_POST[case.step],
                assignee=None if holder in (person, *case.reviewers) else holder,
                cause="absence",
                assigned_at=now,
            )
        )
    if person in case.countersigners and person not in case.signatures:
        events.extend(_countersign_without(case, person, staff=staff, now=now))
    return events


def _countersign_without(
    case: ApprovalCase, person: str, *, staff: Department, now: datetime
) -> list[Event]:
    kept = [p if p in case.signatures else staff.substitute(p) for p in case.countersigners]
    signers = list(dict.fromkeys(p for p in kept if p and p not in case.reviewers))
    events: list[Event] = [
        WorkCountersignRequired(
            **case.base(),
            department=case.facts.department,
            approvers=signers,
            reason=f"{person} is absent",
            required_at=now,
        )
    ]
    signed = [case.signatures[p] for p in signers if p in case.signatures]
    if signers and len(signed) == len(signers):  # the absent one was the last awaited
        every = "; ".join(s.reasons for s in signed if s.reasons)
        events.append(decided(case, "approved", reasons=every, by=",".join(signers), now=now))
    return events

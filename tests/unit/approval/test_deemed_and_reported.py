"""超时默许 once, only when allowed; 上报件 pre-reviewed here and decided above."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events.contract import CaseDeemedApproved, CaseEscalated, WorkClosed
from services.approval.domain.case import ApprovalCase
from services.approval.domain.decisions import decide, deem_approved, review
from services.approval.domain.opening import first_step, receipt
from services.approval.domain.rules import ReportedCasesAreDecidedAbove, WorkIsClosed
from services.approval.domain.timing import suspend
from tests.unit.approval.builders import (
    APPROVER,
    AT,
    REVIEWER,
    accepted,
    department,
    opened,
    rules,
    then,
    types,
)

pytestmark = pytest.mark.unit


def late(case):
    return case.current_deadline.at + timedelta(minutes=1)


def test_an_overdue_case_that_allows_it_is_deemed_approved_once() -> None:
    case = opened(accepted(deemed=True))
    assert deem_approved(case, case.current_deadline.at) == []  # not past it yet
    [event] = then(case, deem_approved(case, late(case)))
    assert isinstance(event, CaseDeemedApproved)
    assert event.deadline == case.current_deadline.at and event.department == "land"
    assert case.decision is not None and case.decision.outcome == "deemed_approved"
    assert deem_approved(case, late(case)) == []


def test_never_when_the_item_does_not_allow_it() -> None:
    assert deem_approved(opened(), late(opened())) == []


def test_only_the_catalogue_item_sets_deemed_approval() -> None:
    # A rules event written before deemed approval became the catalogue's alone changes nothing.
    not_overridden = opened(accepted(deemed=True), item=rules(deemed_approval=False))
    assert types(deem_approved(not_overridden, late(not_overridden))) == ["case.deemed_approved"]
    not_allowed = opened(accepted(deemed=False), item=rules(deemed_approval=True))
    assert deem_approved(not_allowed, late(not_allowed)) == []


def test_never_while_paused_or_after_a_decision() -> None:
    case = opened(accepted(deemed=True))
    then(case, suspend(case, procedure="public_notice", reason="", now=AT))
    assert deem_approved(case, late(case)) == []
    decided = opened(accepted(deemed=True))
    then(decided, review(decided, REVIEWER, opinion="deny", comment="", staff=department(), now=AT))
    then(decided, decide(decided, APPROVER, decision="denied", reasons="不符合", now=AT))
    assert deem_approved(decided, late(decided)) == []


def test_a_reported_case_is_pre_reviewed_and_escalated() -> None:
    case = opened(accepted("reported", deemed=True), escalate_to="350000")
    assert case.step == "pre_review" and not case.decided_here
    with pytest.raises(ReportedCasesAreDecidedAbove):
        decide(case, APPROVER, decision="approved", reasons="", now=AT)
    assert deem_approved(case, late(case)) == []
    events = then(
        case,
        review(case, REVIEWER, opinion="approve", comment="初审同意", staff=department(), now=AT),
    )
    assert types(events) == ["case.reviewed", "case.escalated"]
    escalated = events[1]
    assert isinstance(escalated, CaseEscalated)
    assert (escalated.to_center, escalated.case_no, escalated.opinion) == (
        "350000",
        "350500-2026-000001",
        "approve",
    )
    assert escalated.deadline == case.current_deadline.at and escalated.deemed_approval
    with pytest.raises(WorkIsClosed):
        suspend(case, procedure="hearing", reason="", now=AT, expected_days=5)


def test_the_deciding_center_reviews_and_decides_an_escalated_case() -> None:
    case = opened(accepted("reported", escalated_from="350521"))
    assert case.step == "review" and case.decided_here
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=department(), now=AT))
    assert types(decide(case, APPROVER, decision="approved", reasons="", now=AT)) == [
        "case.decided"
    ]


def test_the_deciding_center_records_the_escalation_it_received() -> None:
    below = opened(accepted("reported"), escalate_to="350000")
    reviewed = review(below, REVIEWER, opinion="approve", comment="", staff=department(), now=AT)
    escalated = reviewed[1]
    assert isinstance(escalated, CaseEscalated)
    received = receipt(escalated, by="350000", now=AT + timedelta(minutes=3))
    assert (received.center, received.received_by, received.case_no) == (
        "350500",
        "350000",
        "350500-2026-000001",
    )
    assert received.deadline == escalated.deadline and received.escalated_at == AT
    above = ApprovalCase("c-1")
    then(above, [received])
    assert above.received == received and above.opened is None  # the work opens after it


def test_a_reported_item_of_this_center_is_decided_here() -> None:
    staff = department()
    assert first_step(
        accepted("reported"), held_at="350500", escalate_to="350500", staff=staff
    ) == ("review")
    assert (
        first_step(accepted("reported"), held_at="350500", escalate_to="", staff=staff) == "review"
    )


def test_the_returned_result_ends_the_work_as_decided_above() -> None:
    case = opened(accepted("reported"), escalate_to="350000")
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=department(), now=AT))
    base = case.base()
    then(
        case,
        [
            WorkClosed(
                **base,
                cause="escalation_returned",
                closed_at=AT,
                decision="approved",
                from_center="350000",
            )
        ],
    )
    assert case.status == "decided" and case.decision is not None
    assert case.decision.returned_from == "350000"

"""一审一核: a reviewer's opinion, then a decision by a different approver, with reasons."""

from __future__ import annotations

import pytest

from libs.events.contract import CaseDecided, CaseReviewed, WorkAssigned
from libs.events.http import STATUS_OF
from services.approval.domain.decisions import decide, review
from services.approval.domain.rules import (
    DecisionsAreFinal,
    DenialCitesAReason,
    OneReviewPerCase,
    OnlyTheAssigneeActs,
    ReviewBeforeDecision,
    ReviewerMayNotDecide,
)
from tests.unit.approval.builders import (
    APPROVER,
    APPROVER_B,
    AT,
    REVIEWER,
    REVIEWER_B,
    department,
    opened,
    posts,
    then,
    types,
)

pytestmark = pytest.mark.unit


def reviewed(staff=None):
    case = opened(staff=staff)
    then(
        case,
        review(
            case, REVIEWER, opinion="approve", comment="ok", staff=staff or department(), now=AT
        ),
    )
    return case


def test_a_promised_case_opens_at_review_for_the_review_post() -> None:
    staff = department(posts(review=("rev-a", "rev-b"), approve=("app-a", None)))
    case = opened(staff=staff)
    assert (case.step, case.assignee, case.status) == ("review", "rev-a", "open")


def test_the_review_hands_the_case_to_the_approve_post() -> None:
    staff = department(posts(review=("rev-a", None), approve=("app-a", "app-b")))
    case = opened(staff=staff)
    events = then(
        case, review(case, REVIEWER, opinion="approve", comment="齐全", staff=staff, now=AT)
    )
    assert types(events) == ["case.reviewed", "work.assigned"]
    assert isinstance(events[0], CaseReviewed) and events[0].department == "land"
    assert isinstance(events[1], WorkAssigned) and events[1].assignee == "app-a"
    assert (case.step, case.assignee) == ("decide", "app-a")


def test_the_reviewer_may_not_decide_the_case_they_reviewed() -> None:
    case = reviewed()
    reviewer_as_approver = type(APPROVER)(REVIEWER.sub, "approver")
    with pytest.raises(ReviewerMayNotDecide) as refused:
        decide(case, reviewer_as_approver, decision="approved", reasons="", now=AT)
    assert STATUS_OF[refused.value.kind] == 403
    assert refused.value.rule == "ReviewerMayNotDecide"
    assert "一审一核" in refused.value.detail


def test_a_different_approver_decides_with_reasons_and_a_document_number() -> None:
    case = reviewed()
    [event] = then(case, decide(case, APPROVER, decision="approved", reasons="符合条件", now=AT))
    assert isinstance(event, CaseDecided)
    assert (event.decision, event.decided_by, event.reasons) == ("approved", "app-a", "符合条件")
    assert event.document_id == "JD-350500-2026-000001"
    assert case.status == "decided" and case.decision is not None


def test_a_denial_must_cite_a_reason() -> None:
    case = reviewed()
    with pytest.raises(DenialCitesAReason):
        decide(case, APPROVER, decision="denied", reasons="  ", now=AT)
    [event] = decide(case, APPROVER, decision="denied", reasons="材料不符合法定形式", now=AT)
    assert isinstance(event, CaseDecided) and event.decision == "denied"


def test_no_decision_without_a_review() -> None:
    with pytest.raises(ReviewBeforeDecision):
        decide(opened(), APPROVER, decision="approved", reasons="", now=AT)


def test_one_review_per_case() -> None:
    case = reviewed()
    with pytest.raises(OneReviewPerCase):
        review(case, REVIEWER_B, opinion="deny", comment="", staff=department(), now=AT)


def test_an_assigned_step_is_for_its_assignee() -> None:
    staff = department(posts(review=("rev-a", None), approve=("app-a", None)))
    case = opened(staff=staff)
    with pytest.raises(OnlyTheAssigneeActs):
        review(case, REVIEWER_B, opinion="approve", comment="", staff=staff, now=AT)
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    with pytest.raises(OnlyTheAssigneeActs):
        decide(case, APPROVER_B, decision="approved", reasons="", now=AT)


def test_holding_both_posts_never_makes_one_person_decide_alone() -> None:
    staff = department(posts(review=("rev-a", None), approve=("rev-a", None)))
    case = opened(staff=staff)
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    assert case.assignee is None  # back to the department's approvers


def test_decisions_are_final() -> None:
    case = reviewed()
    then(case, decide(case, APPROVER, decision="approved", reasons="", now=AT))
    with pytest.raises(DecisionsAreFinal):
        decide(case, APPROVER_B, decision="denied", reasons="x", now=AT)

"""A/B posts, 委派/转办 and 会签: nothing waits on an absent person; every hand-over is an event."""

from __future__ import annotations

import pytest

from libs.events.contract import CaseCountersigned, CaseDecided, WorkAssigned, WorkTransferred
from services.approval.domain.case import Actor
from services.approval.domain.decisions import decide, review
from services.approval.domain.handover import hand_over, require_countersign, route_around
from services.approval.domain.rules import (
    AlreadySigned,
    HandOverStaysInDepartment,
    HandOverToWhoCanAct,
    OnlyCountersignersSign,
    OnlyTheAssigneeActs,
    ReasonRequired,
    ReviewerMayNotDecide,
)
from tests.unit.approval.builders import (
    APPROVER,
    APPROVER_B,
    AT,
    REVIEWER,
    REVIEWER_B,
    absent,
    department,
    opened,
    posts,
    rules,
    then,
    types,
)

pytestmark = pytest.mark.unit
POSTS = posts(review=("rev-a", "rev-b"), approve=("app-a", "app-b"))
APPROVER_C = Actor("app-c", "approver")


def test_new_work_goes_to_b_while_a_is_absent() -> None:
    assert opened(staff=department(POSTS, absent("rev-a"))).assignee == "rev-b"
    assert opened(staff=department(POSTS, absent("rev-a"), absent("rev-a", False))).assignee == (
        "rev-a"
    )


def test_with_a_and_b_away_the_work_goes_to_the_pool() -> None:
    assert opened(staff=department(POSTS, absent("rev-a"), absent("rev-b"))).assignee is None


def test_open_work_of_an_absent_a_moves_to_b() -> None:
    case = opened(staff=department(POSTS))
    staff = department(POSTS, absent("rev-a"))
    [event] = then(case, route_around(case, "rev-a", staff=staff, now=AT))
    assert isinstance(event, WorkAssigned)
    assert (event.assignee, event.cause, case.assignee) == ("rev-b", "absence", "rev-b")
    assert route_around(case, "rev-a", staff=staff, now=AT) == []


def test_delegation_is_an_event_with_its_reason() -> None:
    staff = department(POSTS)
    case = opened(staff=staff)
    [event] = then(
        case,
        hand_over(
            case, REVIEWER, mode="delegated", to="rev-b", reason="熟悉该业务", staff=staff, now=AT
        ),
    )
    assert isinstance(event, WorkTransferred)
    assert (event.from_assignee, event.to_assignee, event.by) == ("rev-a", "rev-b", "rev-a")
    assert case.assignee == "rev-b"
    assert review(case, REVIEWER_B, opinion="approve", comment="", staff=staff, now=AT)


def test_hand_over_rules() -> None:
    staff = department(POSTS, absent("app-b"))
    case = opened(staff=staff)
    with pytest.raises(ReasonRequired):
        hand_over(case, REVIEWER, mode="transferred", to="rev-b", reason="", staff=staff, now=AT)
    with pytest.raises(HandOverStaysInDepartment):  # not on any post of the department
        hand_over(
            case, REVIEWER, mode="transferred", to="stranger", reason="r", staff=staff, now=AT
        )
    with pytest.raises(HandOverStaysInDepartment):  # away
        hand_over(case, REVIEWER, mode="transferred", to="app-b", reason="r", staff=staff, now=AT)
    with pytest.raises(OnlyTheAssigneeActs):
        hand_over(case, REVIEWER_B, mode="transferred", to="app-a", reason="r", staff=staff, now=AT)
    leader = hand_over(
        case, APPROVER, mode="transferred", to="rev-b", reason="r", staff=staff, now=AT
    )
    assert types(leader) == ["work.transferred"]


def test_a_hand_over_goes_only_to_someone_who_can_act_on_the_step() -> None:
    staff = department(POSTS)
    case = opened(staff=staff)  # at review, held by rev-a
    with pytest.raises(HandOverToWhoCanAct, match="review post"):
        hand_over(case, REVIEWER, mode="transferred", to="app-a", reason="r", staff=staff, now=AT)
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    with pytest.raises(HandOverToWhoCanAct, match="approve post"):  # a decision: approvers only
        hand_over(case, APPROVER, mode="delegated", to="rev-b", reason="r", staff=staff, now=AT)
    assert types(
        hand_over(case, APPROVER, mode="delegated", to="app-b", reason="r", staff=staff, now=AT)
    ) == ["work.transferred"]


def countersigned(*signers: str):
    staff = department(POSTS)
    case = opened(staff=staff, item=rules(countersign=list(signers)))
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    return case


def test_countersign_needs_every_signature() -> None:
    case = countersigned("app-a", "app-b")
    assert case.assignee is None and case.countersigners == ["app-a", "app-b"]
    first = then(case, decide(case, APPROVER, decision="approved", reasons="同意", now=AT))
    assert types(first) == ["case.countersigned"] and case.decision is None
    with pytest.raises(AlreadySigned):
        decide(case, APPROVER, decision="approved", reasons="", now=AT)
    with pytest.raises(OnlyCountersignersSign):
        decide(case, APPROVER_C, decision="approved", reasons="", now=AT)
    last = then(case, decide(case, APPROVER_B, decision="approved", reasons="同意", now=AT))
    assert types(last) == ["case.countersigned", "case.decided"]
    assert isinstance(last[1], CaseDecided) and last[1].decided_by == "app-a,app-b"


def test_one_countersigner_denying_denies() -> None:
    case = countersigned("app-a", "app-b")
    events = decide(case, APPROVER_B, decision="denied", reasons="不符合规划", now=AT)
    assert isinstance(events[0], CaseCountersigned) and isinstance(events[1], CaseDecided)
    assert events[1].decision == "denied"


def test_countersign_per_case_and_the_reviewer_cannot_sign() -> None:
    staff = department(POSTS)
    case = opened(staff=staff)
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    with pytest.raises(ReviewerMayNotDecide):
        require_countersign(case, APPROVER, approvers=["rev-a"], reason="", staff=staff, now=AT)
    then(
        case,
        require_countersign(
            case, APPROVER, approvers=["app-a", "app-c"], reason="重大", staff=staff, now=AT
        ),
    )
    assert case.countersigners == ["app-a", "app-c"]


def test_an_absent_countersigner_is_replaced_by_their_b() -> None:
    case = countersigned("app-a", "app-c")
    then(case, decide(case, APPROVER_C, decision="approved", reasons="", now=AT))
    staff = department(POSTS, absent("app-a"))
    events = then(case, route_around(case, "app-a", staff=staff, now=AT))
    assert types(events) == ["work.countersign_required"]
    assert case.countersigners == ["app-b", "app-c"]


def test_when_the_only_awaited_signer_leaves_without_stand_in_the_others_decide() -> None:
    staff = department(posts(review=("rev-a", None), approve=("app-a", None)))
    case = opened(staff=staff, item=rules(countersign=["app-a", "app-c"]))
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=staff, now=AT))
    then(case, decide(case, APPROVER_C, decision="approved", reasons="同意", now=AT))
    events = then(
        case,
        route_around(
            case, "app-a", staff=department(POSTS, absent("app-a"), absent("app-b")), now=AT
        ),
    )
    assert types(events) == ["work.countersign_required", "case.decided"]
    assert case.decision is not None and case.decision.outcome == "approved"

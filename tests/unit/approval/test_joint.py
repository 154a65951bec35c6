"""并联审批 on one case: parts start together, decide in any order, one denial ends the stage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events.contract import (
    JointCompleted,
    JointPartDecided,
    JointPartResumed,
    JointPartSuspended,
    JointStarted,
    WorkAssigned,
    WorkOpened,
)
from libs.events.registry import Event
from services.approval.domain import joint_rules
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.department import Department, ItemRules
from services.approval.domain.document import suspension_text
from services.approval.domain.joint import (
    JointItem,
    StageStart,
    decide_part,
    review_part,
    shortened,
    start_parts,
)
from services.approval.domain.joint_parts import resume_part, route_part_around, suspend_part
from services.approval.domain.opening import open_work
from services.approval.domain.rules import (
    DecisionsAreFinal,
    ReviewerMayNotDecide,
    SpecialProcedureStatesItsDuration,
)
from services.approval.events import DepartmentAbsenceMarked, DepartmentPostsNamed, PostHolders
from tests.unit.approval.builders import AT, CALENDAR, MONDAY, accepted, department

pytestmark = pytest.mark.unit

ITEM = JointItem(
    code="LAND-01",
    lead_department="land",
    limits={"land": 5, "plan": 4, "env": 3},
    promised_limit_days=5,
)


def opening(*, factor: float = 1.0) -> list[Event]:
    """The opening of a joint case of `land` (lead), `plan` and `env`, parts started."""
    first = open_work(
        accepted("joint"),
        held_at="350500",
        escalate_to="",
        staff=department(),
        rules=ItemRules("item-rules:LAND-01"),
        now=AT,
    )
    opened = next(e for e in first if isinstance(e, WorkOpened))
    staff = {d: Department(f"department:{d}") for d in ITEM.limits}
    parts = start_parts(
        opened,
        ITEM,
        stage=StageStart("立项", "p-1", factor),
        staff=staff,
        calendar=CALENDAR,
        now=AT,
    )
    return [opened, *parts]


def joint_case(*, factor: float = 1.0) -> ApprovalCase:
    """The joint case after its opening."""
    case = ApprovalCase("c-1")
    fold(case, opening(factor=factor))
    return case


def fold(case: ApprovalCase, events: list[Event]) -> list[Event]:
    """Apply new events and hand them back."""
    for event in events:
        case.apply(event)
    return events


def reviewed_and_decided(case: ApprovalCase, dept: str, decision: str = "approved") -> list[Event]:
    """一审 by rev-<dept>, then 一核 by app-<dept>."""
    fold(
        case,
        review_part(
            case,
            Actor(f"rev-{dept}", "reviewer"),
            department=dept,
            opinion="approve",
            comment="",
            staff=Department(f"department:{dept}"),
            now=AT,
        ),
    )
    reasons = "" if decision == "approved" else "不符合规划条件"
    return fold(
        case,
        decide_part(
            case,
            Actor(f"app-{dept}", "approver"),
            department=dept,
            decision=decision,
            reasons=reasons,
            now=AT + timedelta(hours=1),
        ),
    )


def test_every_part_starts_at_the_acceptance_instant_with_its_own_deadline() -> None:
    case = joint_case()
    started = case.joint
    assert started is not None
    assert started.started_at == MONDAY
    deadlines = {d: p.deadline.at for d, p in started.parts.items()}
    assert deadlines == {d: CALENDAR.deadline(MONDAY, n).at for d, n in ITEM.limits.items()}
    assert started.waiting_on() == ["land", "plan", "env"]
    assert all(p.step == "review" for p in started.parts.values())


def test_parts_decided_in_any_order_complete_the_case_at_the_last_approval() -> None:
    case = joint_case()
    assert not any(isinstance(e, JointCompleted) for e in reviewed_and_decided(case, "env"))
    assert not any(isinstance(e, JointCompleted) for e in reviewed_and_decided(case, "land"))
    assert case.joint is not None and case.joint.waiting_on() == ["plan"]
    last = reviewed_and_decided(case, "plan")
    assert [type(e) for e in last] == [JointPartDecided, JointCompleted]
    assert isinstance(last[1], JointCompleted) and last[1].outcome == "approved"
    assert case.status == "decided"


def test_a_denial_ends_the_stage_and_closes_the_other_open_parts() -> None:
    case = joint_case()
    reviewed_and_decided(case, "land")
    events = reviewed_and_decided(case, "env", "denied")
    completed = events[-1]
    assert isinstance(completed, JointCompleted)
    assert completed.outcome == "denied" and completed.denied_by == "env"
    assert "env: 不符合规划条件" == completed.reasons
    assert case.joint is not None
    assert {d: p.status for d, p in case.joint.parts.items()} == {
        "land": "approved",
        "env": "denied",
        "plan": "closed",
    }
    with pytest.raises(DecisionsAreFinal):
        reviewed_and_decided(case, "plan")


def test_the_reviewer_of_a_part_may_not_decide_it() -> None:
    case = joint_case()
    reviewer = Actor("rev-plan", "reviewer")
    fold(
        case,
        review_part(
            case,
            reviewer,
            department="plan",
            opinion="approve",
            comment="",
            staff=Department("department:plan"),
            now=AT,
        ),
    )
    with pytest.raises(ReviewerMayNotDecide):
        decide_part(
            case,
            Actor("rev-plan", "approver"),
            department="plan",
            decision="approved",
            reasons="",
            now=AT,
        )


def test_a_department_without_a_part_does_not_act() -> None:
    case = joint_case()
    with pytest.raises(joint_rules.OnlyPartDepartmentsAct):
        review_part(
            case,
            Actor("rev-tax", "reviewer"),
            department="tax",
            opinion="approve",
            comment="",
            staff=Department("department:tax"),
            now=AT,
        )


def test_a_paused_part_waits_while_the_others_run_and_resumes_later() -> None:
    case = joint_case()
    paused = fold(
        case,
        suspend_part(case, department="plan", procedure="correction", reason="补正", now=AT),
    )
    assert isinstance(paused[0], JointPartSuspended)
    with pytest.raises(joint_rules.PausedPartsWait):
        reviewed_and_decided(case, "plan")
    reviewed_and_decided(case, "land")  # the other parts go on
    before = case.joint.parts["plan"].deadline if case.joint else None
    resumed = fold(
        case,
        resume_part(case, department="plan", calendar=CALENDAR, now=AT + timedelta(days=2)),
    )
    event = resumed[0]
    assert isinstance(event, JointPartResumed) and event.paused_working_days == 2
    assert before is not None and case.joint is not None
    assert case.joint.parts["plan"].deadline == CALENDAR.shift_deadline(before, 2)
    assert case.joint.parts["env"].deadline == CALENDAR.deadline(MONDAY, 3)  # untouched


def test_a_part_paused_for_a_special_procedure_states_its_duration_and_is_told() -> None:
    case = joint_case()
    with pytest.raises(SpecialProcedureStatesItsDuration):
        suspend_part(case, department="env", procedure="inspection", reason="现场核查", now=AT)
    [event] = fold(
        case,
        suspend_part(
            case,
            department="env",
            procedure="inspection",
            reason="现场核查",
            now=AT,
            expected_days=5,
            calendar=CALENDAR,
        ),
    )
    assert isinstance(event, JointPartSuspended)
    assert (event.expected_days, event.expected_until) == (
        5,
        CALENDAR.add_working_days(AT.date(), 5),
    )
    assert case.joint is not None
    pause = case.joint.parts["env"].pause
    assert pause is not None and pause.expected_days == 5
    text = suspension_text(case, applicant="张三", pause=pause, department="环保局")
    assert "需由联办部门环保局进行现场勘验，事由：现场核查" in text
    assert "5个工作日" in text and "第四十五条" in text and "该部门的办理期限相应顺延" in text


def test_the_green_channel_shortens_every_limit_by_its_factor() -> None:
    started = next(e for e in opening(factor=0.5) if isinstance(e, JointStarted))
    assert started.limits == {"land": 3, "plan": 2, "env": 2}
    assert started.parts["plan"] == CALENDAR.deadline(MONDAY, 2).at
    assert started.stage_deadline == CALENDAR.deadline(MONDAY, 3).at
    assert joint_case(factor=0.5).current_deadline.at == CALENDAR.deadline(MONDAY, 3).at
    assert shortened(1, 0.5) == 1 and shortened(7, 1.0) == 7


def test_parts_are_assigned_to_each_departments_review_post() -> None:
    assigned = [e for e in opening() if isinstance(e, WorkAssigned)]
    assert [(e.department, e.step) for e in assigned] == [
        ("land", "review"),
        ("plan", "review"),
        ("env", "review"),
    ]


def test_a_part_held_by_an_absent_person_goes_to_the_b_post() -> None:
    case = ApprovalCase("c-1")
    held = {d: Department(f"department:{d}") for d in ITEM.limits}
    named = DepartmentPostsNamed(
        center="350500",
        department="plan",
        posts={"review": PostHolders(a="rev-a", b="rev-b")},
        at=MONDAY,
    )
    held["plan"].apply(named)
    first = opening()
    opened = next(e for e in first if isinstance(e, WorkOpened))
    events = start_parts(
        opened, ITEM, stage=StageStart("立项"), staff=held, calendar=CALENDAR, now=AT
    )
    fold(case, [opened, *events])
    assert case.joint is not None and case.joint.parts["plan"].assignee == "rev-a"
    away = held["plan"]
    away.apply(
        DepartmentAbsenceMarked(
            center="350500", department="plan", person="rev-a", absent=True, at=MONDAY
        )
    )
    moved = fold(case, route_part_around(case, "plan", "rev-a", staff=away, now=AT))
    assert [(e.department, e.assignee) for e in moved if isinstance(e, WorkAssigned)] == [
        ("plan", "rev-b")
    ]
    assert route_part_around(case, "env", "rev-a", staff=away, now=AT) == []

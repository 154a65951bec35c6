"""Project rules: stages in order, green channel, 容缺预审, agency, site reviews, elapsed days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from libs.events.contract import JointCompleted, JointStarted
from libs.events.contract.projects import ProjectCompleted, ProjectStageCompleted, StageDefinition
from libs.events.registry import Event
from services.approval.domain import agency, joint_rules, project_rules
from services.approval.domain.case import Actor
from services.approval.domain.joint import JointItem
from services.approval.domain.project_rules import NewProject
from services.approval.domain.projects import Project, project_stream
from services.approval.events import SeriesDefined, SiteOpinion
from tests.unit.approval.builders import CALENDAR, MONDAY

pytestmark = pytest.mark.unit

AGENT = Actor("agent-1", "clerk")
STAGES = [
    StageDefinition(code=f"S{n}", name=f"阶段{n}", item_code=f"BL-JT-{n}") for n in range(1, 4)
]
SERIES = SeriesDefined(center="350500", code="JT", name="交通工程", stages=STAGES, at=MONDAY)


def item(n: int) -> JointItem:
    """The joint item of stage n."""
    return JointItem(
        code=f"BL-JT-{n}",
        lead_department="FGW",
        limits={"FGW": 5, "JTJ": 4},
        promised_limit_days=5,
        key_materials=frozenset({"SQB"}),
        materials=frozenset({"SQB", "KCBG"}),
    )


def fold(project: Project, events: list[Event]) -> list[Event]:
    """Apply the events and hand them back."""
    for event in events:
        project.apply(event)
    return events


def new_project(*, agent: str = "agent-1") -> Project:
    """A 交通工程 project of 某公司 with its agent."""
    project = Project(project_stream("p-1"))
    new = NewProject("p-1", "350500", "泉州港连接线", "某交通建设公司", agent)
    fold(project, project_rules.create(project, new, SERIES, by="admin", now=MONDAY))
    return project


def request(project: Project, n: int, actor: Actor = AGENT, missing: tuple[str, ...] = ()) -> None:
    """Name case c-n as the next stage."""
    events, bound = project_rules.request_next_stage(
        project,
        actor,
        case_id=f"c-{n}",
        case_item=f"BL-JT-{n}",
        item=item(n),
        prereview_missing=list(missing),
        now=MONDAY,
    )
    assert bound.project_id == "p-1" and bound.stage == f"S{n}"
    fold(project, events)


def run_stage(project: Project, n: int, start: datetime, days: int, outcome: str) -> list[Event]:
    """Stage n starts at `start` and completes `days` working days later."""
    due = CALENDAR.deadline(start, 5).at
    started = JointStarted(
        case_id=f"c-{n}",
        center="350500",
        stage=f"阶段{n}",
        lead_department="FGW",
        parts={"FGW": due, "JTJ": due},
        started_at=start,
        project_id="p-1",
    )
    fold(project, project_rules.stage_started(project, started, deadline_limit=5))
    end = CALENDAR.deadline(start, days).at - timedelta(hours=6)
    completed = JointCompleted.model_validate(
        {"case_id": f"c-{n}", "center": "350500", "outcome": outcome, "completed_at": end}
    )
    return fold(
        project,
        project_rules.stage_completed(project, completed, deadline=due, calendar=CALENDAR),
    )


def test_stages_run_in_order_and_the_project_records_its_elapsed_working_days() -> None:
    project = new_project()
    request(project, 1)
    with pytest.raises(joint_rules.StagesRunInOrder):
        request(project, 2)
    first = run_stage(project, 1, MONDAY, 3, "approved")
    assert isinstance(first[0], ProjectStageCompleted) and first[0].elapsed_days == 3
    assert first[0].on_time and first[0].result_to == "agent-1"
    request(project, 2)
    run_stage(project, 2, MONDAY + timedelta(days=7), 2, "approved")
    request(project, 3)
    last = run_stage(project, 3, MONDAY + timedelta(days=14), 4, "approved")
    finished = last[-1]
    assert isinstance(finished, ProjectCompleted)
    assert finished.outcome == "approved" and finished.elapsed_days == 9
    with pytest.raises(joint_rules.ProjectIsClosed):
        project_rules.mark_green(project, factor=0.5, reason="重点项目", by="admin", now=MONDAY)


def test_a_denied_stage_ends_the_project() -> None:
    project = new_project()
    request(project, 1)
    events = run_stage(project, 1, MONDAY, 1, "denied")
    assert [type(e) for e in events] == [ProjectStageCompleted, ProjectCompleted]
    with pytest.raises(joint_rules.ProjectIsClosed):
        request(project, 2)


def test_a_stage_runs_its_own_item() -> None:
    project = new_project()
    with pytest.raises(joint_rules.StageItemMustMatch):
        project_rules.request_next_stage(
            project,
            AGENT,
            case_id="c-9",
            case_item="BL-JT-2",
            item=item(2),
            prereview_missing=[],
            now=MONDAY,
        )


def test_the_agent_acts_for_the_applicant_and_is_recorded_so() -> None:
    project = new_project()
    with pytest.raises(joint_rules.OnlyTheAgentActsForTheApplicant):
        request(project, 1, Actor("clerk-2", "clerk"))
    request(project, 1)
    assert project.stages[0].on_behalf_of == "某交通建设公司"
    assert project.stages[0].requested_by == "agent-1"


def test_prereview_with_missing_non_key_materials_needs_the_green_channel() -> None:
    project = new_project()
    with pytest.raises(joint_rules.PreReviewNeedsGreenChannel):
        request(project, 1, missing=("KCBG",))
    fold(project, project_rules.mark_green(project, factor=0.5, reason="重点", by="a", now=MONDAY))
    with pytest.raises(joint_rules.KeyMaterialsCannotBeTolerated):
        request(project, 1, missing=("SQB",))
    request(project, 1, missing=("KCBG",))
    assert project.stages[0].prereview_missing == ("KCBG",)


def test_the_green_channel_factor_is_above_zero_and_at_most_one() -> None:
    project = new_project()
    for factor in (0.0, 1.5):
        with pytest.raises(joint_rules.GreenChannelFactor):
            project_rules.mark_green(project, factor=factor, reason="r", by="a", now=MONDAY)


def test_a_site_review_records_one_opinion_per_department_of_the_stage() -> None:
    project = new_project()
    opinions = [
        SiteOpinion(department="FGW", attendee="张科长", opinion="agree"),
        SiteOpinion(department="JTJ", attendee="李科长", opinion="agree_with_conditions"),
    ]
    events = project_rules.record_site_review(
        project,
        stage_code="S1",
        review_id="r-1",
        held_at=MONDAY,
        place="项目现场",
        opinions=opinions,
        parts=["FGW", "JTJ"],
        by="admin",
        now=MONDAY,
    )
    fold(project, events)
    assert project.stages[0].site_reviews[0].opinions[1].opinion == "agree_with_conditions"
    with pytest.raises(joint_rules.SiteReviewNeedsItsDepartments):
        project_rules.record_site_review(
            project,
            stage_code="S1",
            review_id="r-2",
            held_at=MONDAY,
            place="现场",
            opinions=[SiteOpinion(department="SWJ", attendee="王", opinion="agree")],
            parts=["FGW", "JTJ"],
            by="admin",
            now=MONDAY,
        )


def test_the_agent_supplies_materials_only_to_a_part_paused_for_correction() -> None:
    project = new_project()
    request(project, 1)
    run = {"stage_code": "S1", "department": "JTJ", "materials": ["KCBG"], "now": MONDAY}
    with pytest.raises(joint_rules.SupplementsAnswerACorrection):
        agency.supplement(project, AGENT, paused_for="correction", **run)  # not started
    due = CALENDAR.deadline(MONDAY, 5).at
    started = JointStarted(
        case_id="c-1",
        center="350500",
        stage="阶段1",
        lead_department="FGW",
        parts={"FGW": due, "JTJ": due},
        started_at=MONDAY,
        project_id="p-1",
    )
    fold(project, project_rules.stage_started(project, started, deadline_limit=5))
    with pytest.raises(joint_rules.SupplementsAnswerACorrection):
        agency.supplement(project, AGENT, paused_for="expert_review", **run)
    with pytest.raises(joint_rules.OnlyTheAgentActsForTheApplicant):
        agency.supplement(project, Actor("x", "clerk"), paused_for="correction", **run)
    events = fold(project, agency.supplement(project, AGENT, paused_for="correction", **run))
    assert project.stages[0].supplements == tuple(events)


def test_a_withdrawn_stage_case_lets_the_stage_be_filed_again() -> None:
    project = new_project()
    request(project, 1)
    withdrawn = fold(project, project_rules.stage_withdrawn(project, case_id="c-1", at=MONDAY))
    assert len(withdrawn) == 1 and project.stages[0].status == "pending"
    assert project_rules.stage_withdrawn(project, case_id="c-1", at=MONDAY) == []
    request(project, 1)  # a new filing of the same stage
    assert project.stages[0].status == "requested"


def test_a_pre_reviewed_stage_is_decided_once_the_owed_materials_came() -> None:
    project = new_project()
    fold(project, project_rules.mark_green(project, factor=0.5, reason="重点", by="a", now=MONDAY))
    request(project, 1, missing=("KCBG",))
    due = CALENDAR.deadline(MONDAY, 5).at
    started = JointStarted(
        case_id="c-1",
        center="350500",
        stage="阶段1",
        lead_department="FGW",
        parts={"FGW": due, "JTJ": due},
        started_at=MONDAY,
        project_id="p-1",
    )
    fold(project, project_rules.stage_started(project, started, deadline_limit=5))
    with pytest.raises(joint_rules.PreReviewedStageAwaitsMaterials):
        agency.ensure_materials_complete(project, "c-1")
    owed = {"stage_code": "S1", "department": "JTJ", "now": MONDAY, "paused_for": None}
    with pytest.raises(joint_rules.SupplementsAnswerACorrection):
        agency.supplement(project, AGENT, materials=["SQB"], **owed)  # not what is owed
    fold(project, agency.supplement(project, AGENT, materials=["KCBG"], **owed))
    assert project.stages[0].outstanding == ()
    agency.ensure_materials_complete(project, "c-1")

"""Project and reported-case handlers through `bootstrap()` with the fake unit of work."""

from __future__ import annotations

import pytest

from libs.events.auth import Principal, Role
from libs.events.contract.projects import StageDefinition
from services.approval.application.joint.projects import (
    CreateProject,
    DefineSeries,
    StartStage,
    create_project,
    define_series,
    start_next_stage,
)
from services.approval.application.ports import JointSubmission
from services.approval.application.review_case import ReviewCase, review_case
from services.approval.domain.access import JointCaseNotFiled, ProjectNotHere
from services.approval.domain.joint import JointItem
from services.approval.domain.joint_rules import SeriesMustBeDefined
from tests.unit.approval.test_handlers import (
    CASE,
    REVIEWER,
    accepted,
    acting,
    approval,
    consume,
    fake,
    submitted,
    types,
)

pytestmark = pytest.mark.unit
ADMIN = Principal(sub="admin-1", role=Role.admin, center="350500")
STAGES = [StageDefinition(code="lixiang", name="立项", item_code="JOINT-01")]


async def test_a_reported_case_is_pre_reviewed_here_and_sent_up_masked() -> None:
    app = approval()
    reported = accepted().model_copy(update={"kind": "reported", "decided_by_center": "350000"})
    await consume(app, submitted(), reported)
    assert types(fake(app).new_events()) == ["work.opened", "work.assigned"]
    view = await review_case(ReviewCase(CASE, "approve", "预审通过"), **acting(app, REVIEWER))
    new = fake(app).new_events()
    assert "case.escalated" in types(new)
    [up] = [e for e in new if e.TYPE.startswith("onewindow.case.escalated")]
    data = up.model_dump()
    assert data["to_center"] == "350000" and data["materials"] == ["m-1"]
    assert data["applicant"]["name"] == "张*" and data["applicant"]["phone"] == "138****0001"
    assert view.case.status == "escalated"


async def test_a_project_needs_its_series_then_starts_a_filed_joint_case_as_its_stage() -> None:
    app = approval()
    deps = acting(app, ADMIN)
    with pytest.raises(SeriesMustBeDefined):
        await create_project(CreateProject("road", "某路", "某公司"), **deps)
    await define_series(DefineSeries("road", "交通工程", STAGES), **deps)
    view = await create_project(CreateProject("road", "某路", "某公司"), **deps)
    assert types(fake(app).new_events()) == ["project.series_defined", "project.created"]
    project_id = view.project.base()["project_id"]
    with pytest.raises(JointCaseNotFiled):
        await start_next_stage(StartStage(project_id, "j-1"), **deps)
    views = fake(app).views
    views.submissions["j-1"] = JointSubmission("j-1", "350500", "JOINT-01", "350500-J-1")
    item = JointItem("JOINT-01", "land", {"land": 5, "water": 5}, 5, frozenset(), frozenset())
    views.joint_items["JOINT-01"] = (item, 1)
    started = await start_next_stage(StartStage(project_id, "j-1"), **deps)
    assert types(fake(app).new_events()) == ["project.stage_requested", "work.stage_bound"]
    assert started.project.stages[0].case_id == "j-1"


async def test_a_project_of_another_center_is_not_found() -> None:
    app = approval()
    other = Principal(sub="admin-2", role=Role.admin, center="350521")
    deps = acting(app, ADMIN)
    await define_series(DefineSeries("road", "交通工程", STAGES), **deps)
    with pytest.raises(ProjectNotHere):
        await start_next_stage(StartStage("nope", "j-1"), **acting(app, other))

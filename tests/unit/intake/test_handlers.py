"""Intake's case commands through `bootstrap()` with the in-memory unit of work: given past
events, when a command, then the new events (and what the views were told). No I/O."""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import date
from typing import Any

import pytest

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.rules import Kind
from services.intake.api.schemas import CaseCreated
from services.intake.application.accept_case import AcceptCase, accept_case
from services.intake.application.extend_promise import ExtendPromise, extend_promise
from services.intake.application.refuse_case import RefuseCase, refuse_case
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.application.supplement_case import SupplementCase, supplement_case
from services.intake.application.withdraw_case import WithdrawCase, withdraw_case
from services.intake.bootstrap import App
from services.intake.domain import rules
from services.intake.domain.query_codes import QueryCodeIssued
from tests.unit.intake.given import applicant
from tests.unit.intake.handling import (
    ALL,
    APPLICANT,
    CLERK,
    PEPPER,
    fake,
    intake,
    submitted,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def app() -> App:
    """Intake on the fake unit of work, its clock at NOW."""
    return intake()


async def test_a_complete_case_is_received_with_its_number_and_a_code_never_published(
    app: App,
) -> None:
    cmd = SubmitCase("SCJG-003", applicant(), ALL, "window", CLERK)
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    [submitted_event, issued] = fake(app).new_events()
    assert isinstance(submitted_event, s.CaseSubmitted) and submitted_event.missing == []
    assert isinstance(issued, QueryCodeIssued) and created.query_code not in issued.query_hash
    assert [e.type for e in fake(app).published] == [s.CaseSubmitted.TYPE]
    assert (created.case_no, created.status, created.missing) == (
        "35050020261125000001",
        "submitted",
        [],
    )
    views = fake(app).views
    assert views.rows[created.case_id].query_hash == issued.query_hash
    assert views.answers == [(201, created.model_dump(mode="json"))]


async def test_missing_materials_start_the_one_time_notice(app: App) -> None:
    cmd = SubmitCase("SCJG-003", applicant(), ["APP", "LIC"], "window", CLERK)
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    events = fake(app).new_events()
    assert [type(e) for e in events] == [
        s.CaseSubmitted,
        s.CaseSupplementRequested,
        QueryCodeIssued,
    ]
    assert created.status == "awaiting_supplement" and created.missing == ["LAY", "HLT"]
    assert [n.name for n in created.notice] == ["经营场所平面布局图", "从业人员健康证明"]


async def test_an_unknown_item_is_refused_by_name(app: App) -> None:
    cmd = SubmitCase("NOPE-1", applicant(), ALL, "window", CLERK)
    with pytest.raises(rules.ItemNotInCatalogue) as caught:
        await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    assert caught.value.extra == {"field": "item_code"} and fake(app).new_events() == []


async def test_accepting_starts_the_working_day_limit(app: App) -> None:
    case_id = await submitted(app, ALL)
    answer = await accept_case(AcceptCase(case_id, CLERK), uow=app.uow, clock=app.clock)
    [accepted] = fake(app).new_events()
    assert isinstance(accepted, s.CaseAccepted) and accepted.accepted_by == "clerk-1"
    assert answer.due_day == date(2026, 12, 9) and answer.limit_days == 10
    row = fake(app).views.rows[case_id]
    assert (row.status, row.due_day, row.promise_due) == ("accepted", date(2026, 12, 9), None)


async def test_tolerated_acceptance_records_the_promise_and_key_materials_are_never_tolerated(
    app: App,
) -> None:
    case_id = await submitted(app, ["APP", "LIC", "LAY"])
    promised = date(2026, 12, 2)
    cmd = AcceptCase(case_id, CLERK, ["HLT"], promised, "一周内补齐")
    answer = await accept_case(cmd, uow=app.uow, clock=app.clock)
    assert answer.tolerated_missing == ["HLT"] and answer.supplement_by == promised
    assert fake(app).views.rows[case_id].promise_due == promised
    other = await submitted(app, ["APP", "LAY", "HLT"])
    with pytest.raises(rules.KeyMaterialsCannotBeTolerated) as caught:
        await accept_case(AcceptCase(other, CLERK, ["LIC"], promised), uow=app.uow, clock=app.clock)
    assert caught.value.kind == Kind.invalid and caught.value.extra["materials"] == ["LIC"]


async def test_another_departments_clerk_does_not_find_the_case(app: App) -> None:
    case_id = await submitted(app, ALL)
    stranger = Principal(sub="clerk-9", role=Role.clerk, center="350500", department="GTZY")
    with pytest.raises(rules.CaseNotFound) as caught:
        await accept_case(AcceptCase(case_id, stranger), uow=app.uow, clock=app.clock)
    assert caught.value.kind == Kind.not_found and fake(app).new_events() == []


async def test_a_supplement_completing_the_notice_opens_the_case(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC"])
    cmd = SupplementCase(case_id, CLERK, ["LAY", "HLT"])
    answer = await supplement_case(cmd, uow=app.uow, clock=app.clock)
    [event] = fake(app).new_events()
    assert isinstance(event, s.CaseSupplemented) and event.missing == []
    assert (answer.status, answer.notice_no, answer.notice) == ("submitted", None, [])
    assert fake(app).views.rows[case_id].status == "submitted"


async def test_a_refusal_states_its_reason(app: App) -> None:
    case_id = await submitted(app, ALL)
    answer = await refuse_case(
        RefuseCase(case_id, CLERK, "  不属于本中心受理范围 "), uow=app.uow, clock=app.clock
    )
    [event] = fake(app).new_events()
    assert isinstance(event, s.CaseRefused) and event.reason == "不属于本中心受理范围"
    assert (answer.status, answer.reason) == ("refused", "不属于本中心受理范围")
    with pytest.raises(rules.CaseClosed):
        await refuse_case(RefuseCase(case_id, CLERK, "again"), uow=app.uow, clock=app.clock)


async def test_withdrawal_is_immediate_before_acceptance_and_asked_of_approval_after(
    app: App,
) -> None:
    early = await submitted(app, ALL)
    answer = await withdraw_case(WithdrawCase(early, CLERK, "不办了"), uow=app.uow, clock=app.clock)
    assert answer.status == "withdrawn"
    assert [type(e) for e in fake(app).new_events()] == [s.CaseWithdrawn]
    late = await submitted(app, ALL)
    await accept_case(AcceptCase(late, CLERK), uow=app.uow, clock=app.clock)
    fake(app).new_events()
    answer = await withdraw_case(WithdrawCase(late, CLERK), uow=app.uow, clock=app.clock)
    assert answer.status == "withdrawal_requested"
    assert [type(e) for e in fake(app).new_events()] == [s.CaseWithdrawalRequested]


async def test_a_promise_is_extended_by_the_cases_department_only(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC", "LAY"])
    cmd = AcceptCase(case_id, CLERK, ["HLT"], date(2026, 12, 2))
    await accept_case(cmd, uow=app.uow, clock=app.clock)
    fake(app).new_events()
    admin_elsewhere = Principal(sub="r-1", role=Role.reviewer, center="350500", department="GTZY")
    later = ExtendPromise(case_id, admin_elsewhere, date(2026, 12, 4), "补办证明")
    with pytest.raises(rules.CaseNotFound):  # another department does not even see it
        await extend_promise(later, uow=app.uow, clock=app.clock)
    own = ExtendPromise(case_id, CLERK, date(2026, 12, 4), " 补办证明 ")
    answer = await extend_promise(own, uow=app.uow, clock=app.clock)
    assert (answer.supplement_by, answer.reason) == (date(2026, 12, 4), "补办证明")
    [event] = fake(app).new_events()
    assert isinstance(event, s.CasePromiseExtended)
    assert event.previous_supplement_by == date(2026, 12, 2)


async def test_staff_of_no_department_still_may_not_extend_a_promise(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC", "LAY"])
    cmd = AcceptCase(case_id, CLERK, ["HLT"], date(2026, 12, 2))
    await accept_case(cmd, uow=app.uow, clock=app.clock)
    fake(app).new_events()
    reviewer = Principal(sub="r-1", role=Role.reviewer, center="350500")
    later = ExtendPromise(case_id, reviewer, date(2026, 12, 4), "补办证明")
    with pytest.raises(rules.OnlyTheCaseDepartmentExtends) as caught:
        await extend_promise(later, uow=app.uow, clock=app.clock)
    assert caught.value.kind == Kind.forbidden and "SCJG" in (caught.value.detail_zh or "")
    assert fake(app).new_events() == []


async def test_who_may_submit_is_checked_by_the_handler_before_anything_is_kept(app: App) -> None:
    def submit(cmd: SubmitCase) -> Coroutine[Any, Any, CaseCreated]:
        return submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)

    with pytest.raises(rules.ApplicantsApplyOnline):
        await submit(SubmitCase("SCJG-003", applicant(), ALL, "window", APPLICANT))
    with pytest.raises(rules.OnlyStaffJudgeMaterials) as judged:
        await submit(SubmitCase("SCJG-003", applicant(), ALL, None, APPLICANT, {"LAY": "模糊"}))
    elsewhere = Principal(sub="clerk-7", role=Role.clerk, center="350521", department="SCJG")
    with pytest.raises(rules.NodeServesItsCenterOnly) as served:
        await submit(SubmitCase("SCJG-003", applicant(), ALL, None, elsewhere))
    assert (judged.value.kind, served.value.kind) == (Kind.forbidden, Kind.forbidden)
    assert fake(app).new_events() == [] and fake(app).views.rows == {}
    online = await submit(SubmitCase("SCJG-003", applicant(), ALL, None, APPLICANT))
    assert fake(app).views.rows[online.case_id].channel == "online"

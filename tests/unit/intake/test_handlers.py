"""Intake's handlers through `bootstrap()` with the in-memory unit of work: given past events,
when a command, then the new events (and what the views were told). No database, no broker."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.clock import SHANGHAI, FixedClock
from libs.events.envelope import Envelope
from libs.events.rules import Kind
from services.intake.application.accept_case import AcceptCase, accept_case
from services.intake.application.deem_accepted import Judged, judge_unjudged_cases
from services.intake.application.extend_promise import ExtendPromise, extend_promise
from services.intake.application.follow_case import when_case_event_elsewhere_track_case
from services.intake.application.name_org import name_center
from services.intake.application.public_lookup import lookup_case
from services.intake.application.publish_item import PublishItem, publish_item
from services.intake.application.refuse_case import RefuseCase, refuse_case
from services.intake.application.retire_item import RetireCatalogItem, retire_item
from services.intake.application.return_overdue import return_overdue_cases
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.application.supplement_case import SupplementCase, supplement_case
from services.intake.application.withdraw_case import WithdrawCase, withdraw_case
from services.intake.bootstrap import App, bootstrap
from services.intake.config import Settings
from services.intake.domain import rules
from services.intake.domain.catalog import RetireItem
from services.intake.domain.query_codes import QueryCodeIssued
from services.intake.events import ItemRetired
from tests.unit.intake.fakes import FakeIntakeUnitOfWork
from tests.unit.intake.given import NOW, applicant, item, spec

pytestmark = pytest.mark.unit

CLERK = Principal(sub="clerk-1", role=Role.clerk, center="350500", department="SCJG")
APPLICANT = Principal(sub="alice", role=Role.applicant)
ALL = ["APP", "LIC", "LAY", "HLT"]
PEPPER = "a-pepper-for-unit-tests-only"


@pytest.fixture
def app() -> App:
    """Intake on the fake unit of work, its clock at NOW, item SCJG-003 v1 in the catalogue."""
    uow = FakeIntakeUnitOfWork()
    uow.views.add(item())
    settings = Settings(center_code="350500", query_code_pepper=PEPPER)
    return bootstrap(settings, clock=FixedClock(NOW), uow=uow)


def fake(app: App) -> FakeIntakeUnitOfWork:
    """The app's fake unit of work: its streams, views and new events."""
    uow = app.uow
    assert isinstance(uow, FakeIntakeUnitOfWork)
    return uow


async def submitted(app: App, materials: list[str], channel: s.Channel = "window") -> str:
    """A case received with these materials; its id (the events are then not new any more)."""
    cmd = SubmitCase("SCJG-003", applicant(), materials, channel, "clerk-1")
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    fake(app).new_events()
    return created.case_id


async def test_a_complete_case_is_received_with_its_number_and_a_code_never_published(
    app: App,
) -> None:
    cmd = SubmitCase("SCJG-003", applicant(), ALL, "window", "clerk-1")
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
    cmd = SubmitCase("SCJG-003", applicant(), ["APP", "LIC"], "window", "clerk-1")
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    events = fake(app).new_events()
    assert [type(e) for e in events] == [
        s.CaseSubmitted,
        s.CaseSupplementRequested,
        QueryCodeIssued,
    ]
    assert created.status == "awaiting_supplement" and created.missing == ["LAY", "HLT"]
    assert [n.name for n in created.notice] == ["经营场所平面布局图", "从业人员健康证明"]


async def test_a_retired_item_receives_no_case_and_nothing_is_kept(app: App) -> None:
    order = RetireItem(reason="法律废止", legal_basis="国务院令第 1 号")
    cmd = RetireCatalogItem("SCJG-003", order, "admin-1")
    fake(app).given(
        "item-SCJG-003",
        s.ItemPublished(
            center="350500", code="SCJG-003", version=1, published_at=NOW, **spec().model_dump()
        ),
    )
    retired = await retire_item(cmd, uow=app.uow, clock=app.clock, center="350500")
    assert retired.retired is not None and retired.retired.reason == "法律废止"
    [event] = fake(app).new_events()
    assert isinstance(event, ItemRetired)
    submit = SubmitCase("SCJG-003", applicant(), ALL, "window", "clerk-1")
    with pytest.raises(rules.RetiredItemAcceptsNoCases):
        await submit_case(submit, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    assert fake(app).new_events() == [] and fake(app).views.rows == {}


async def test_an_unknown_item_is_refused_by_name(app: App) -> None:
    cmd = SubmitCase("NOPE-1", applicant(), ALL, "window", "clerk-1")
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


async def test_approvals_refusal_of_the_withdrawal_accepts_the_case_again(app: App) -> None:
    case_id = await submitted(app, ALL)
    await accept_case(AcceptCase(case_id, CLERK), uow=app.uow, clock=app.clock)
    await withdraw_case(WithdrawCase(case_id, CLERK), uow=app.uow, clock=app.clock)
    fake(app).new_events()
    refused = s.CaseWithdrawalRefused(
        case_id=case_id,
        center="350500",
        reason="已作出决定",
        decision="approved",
        refused_at=NOW,
    )
    envelope = Envelope(
        type=refused.TYPE,
        source="/350500/approval",
        subject=case_id,
        center="350500",
        sequence=9,
        data=refused.model_dump(mode="json"),
    )
    async with app.uow.begin() as tx:
        await when_case_event_elsewhere_track_case(
            tx, envelope, refused, own_source=app.source, clock=app.clock
        )
    [noted] = fake(app).new_events()
    assert isinstance(noted, s.CaseWithdrawalRefusalNoted) and noted.summary.endswith("已作出决定")
    assert fake(app).views.rows[case_id].status == "accepted"
    assert [e.type for e in fake(app).views.reported] == [s.CaseWithdrawalRefused.TYPE]


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


async def test_an_unkept_promise_returns_the_case_once(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC", "LAY"])
    cmd = AcceptCase(case_id, CLERK, ["HLT"], date(2026, 12, 2))
    await accept_case(cmd, uow=app.uow, clock=app.clock)
    fake(app).new_events()
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == []
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2026, 12, 3, 9, tzinfo=SHANGHAI))
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == [case_id]
    [event] = fake(app).new_events()
    assert isinstance(event, s.CaseReturned) and event.missing == ["HLT"]
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == []


async def test_an_unjudged_online_submission_is_warned_then_deemed_accepted(app: App) -> None:
    case_id = await submitted(app, ALL, channel="online")
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))  # the 5th working day
    assert await judge_unjudged_cases(uow=app.uow, clock=app.clock) == Judged(warned=[case_id])
    app.clock.set(datetime(2026, 12, 3, 0, 1, tzinfo=SHANGHAI))
    assert await judge_unjudged_cases(uow=app.uow, clock=app.clock) == Judged(accepted=[case_id])
    [warned, accepted] = fake(app).new_events()
    assert isinstance(warned, s.CaseAcceptanceDue)
    assert isinstance(accepted, s.CaseAccepted) and accepted.cause == "deemed_art32"
    assert accepted.accepted_at == fake(app).views.rows[case_id].submitted_at


async def test_publishing_an_unchanged_item_appends_nothing(app: App) -> None:
    cmd = PublishItem("SCJG-010", spec(name="食品生产许可"), "admin-1")
    first = await publish_item(cmd, uow=app.uow, clock=app.clock, center="350500")
    again = await publish_item(cmd, uow=app.uow, clock=app.clock, center="350500")
    assert (first.created, again.created, again.item.version) == (True, False, 1)
    [event] = fake(app).new_events()
    assert isinstance(event, s.ItemPublished) and event.name == "食品生产许可"
    changed = PublishItem("SCJG-010", spec(name="食品生产许可（新）"), "admin-1")
    assert (
        await publish_item(changed, uow=app.uow, clock=app.clock, center="350500")
    ).item.version == 2


async def test_naming_the_center_twice_appends_once(app: App) -> None:
    assert await name_center(
        "泉州市行政服务中心", "admin-1", uow=app.uow, clock=app.clock, center="350500"
    )
    assert not await name_center(
        "泉州市行政服务中心", "admin-1", uow=app.uow, clock=app.clock, center="350500"
    )
    [event] = fake(app).new_events()
    assert isinstance(event, s.CenterNamed) and event.name == "泉州市行政服务中心"


async def test_the_public_lookup_needs_the_receipts_code(app: App) -> None:
    cmd = SubmitCase("SCJG-003", applicant(), ALL, "window", "clerk-1")
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    found = await lookup_case(created.case_no, created.query_code, uow=app.uow, pepper=PEPPER)
    assert found is not None and (found.status, found.submitted_at) == ("submitted", NOW)
    assert await lookup_case(created.case_no, "WRONG1", uow=app.uow, pepper=PEPPER) is None
    other_pepper = await lookup_case(
        created.case_no, created.query_code, uow=app.uow, pepper=PEPPER + "x"
    )
    assert other_pepper is None
    assert timedelta(0) == found.submitted_at - NOW

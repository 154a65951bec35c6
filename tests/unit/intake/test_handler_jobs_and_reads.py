"""Intake's jobs, catalogue, names, reads and the consumer's handler through `bootstrap()` with
the in-memory unit of work: given past events, when a command, then the new events. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from libs.events import contract as s
from libs.events.calendar import YearSchedule
from libs.events.clock import SHANGHAI
from libs.events.envelope import Envelope
from services.intake.application.accept_case import AcceptCase, accept_case
from services.intake.application.deem_accepted import Judged, judge_unjudged_cases
from services.intake.application.follow_case import when_case_event_elsewhere_track_case
from services.intake.application.load_calendar import Loaded, load_calendar_year
from services.intake.application.name_org import name_center
from services.intake.application.ports import CaseFilter
from services.intake.application.public_lookup import lookup_case
from services.intake.application.publish_item import PublishItem, publish_item
from services.intake.application.queries import get_case, list_cases, list_key
from services.intake.application.retire_item import RetireCatalogItem, retire_item
from services.intake.application.return_overdue import return_overdue_cases
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.application.withdraw_case import WithdrawCase, withdraw_case
from services.intake.bootstrap import App
from services.intake.domain import rules
from services.intake.domain.catalog import RetireItem
from services.intake.events import ItemRetired
from tests.unit.intake.given import NOW, applicant, spec
from tests.unit.intake.handling import (
    ALL,
    APPLICANT,
    CLERK,
    PEPPER,
    clock,
    fake,
    intake,
    submitted,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def app() -> App:
    """Intake on the fake unit of work, its clock at NOW."""
    return intake()


async def test_an_unkept_promise_returns_the_case_once(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC", "LAY"])
    cmd = AcceptCase(case_id, CLERK, ["HLT"], date(2026, 12, 2))
    await accept_case(cmd, uow=app.uow, clock=app.clock)
    fake(app).new_events()
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == []
    clock(app).set(datetime(2026, 12, 3, 9, tzinfo=SHANGHAI))
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == [case_id]
    [event] = fake(app).new_events()
    assert isinstance(event, s.CaseReturned) and event.missing == ["HLT"]
    assert await return_overdue_cases(uow=app.uow, clock=app.clock) == []


async def test_an_unjudged_online_submission_is_warned_then_deemed_accepted(app: App) -> None:
    case_id = await submitted(app, ALL, channel="online")
    clock(app).set(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))  # the 5th working day
    assert await judge_unjudged_cases(uow=app.uow, clock=app.clock) == Judged(warned=[case_id])
    clock(app).set(datetime(2026, 12, 3, 0, 1, tzinfo=SHANGHAI))
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
    cmd = SubmitCase("SCJG-003", applicant(), ALL, "window", CLERK)
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    found = await lookup_case(created.case_no, created.query_code, uow=app.uow, pepper=PEPPER)
    assert found is not None and (found.status, found.submitted_at) == ("submitted", NOW)
    assert await lookup_case(created.case_no, "WRONG1", uow=app.uow, pepper=PEPPER) is None
    other_pepper = await lookup_case(
        created.case_no, created.query_code, uow=app.uow, pepper=PEPPER + "x"
    )
    assert other_pepper is None


async def test_a_case_reads_with_its_history_and_the_applicant_masked(app: App) -> None:
    case_id = await submitted(app, ["APP", "LIC"])
    read = await get_case(case_id, CLERK, uow=app.uow, source=app.source)
    assert (read.status, read.intake_status, read.notices) == (
        "awaiting_supplement",
        "awaiting_supplement",
        1,
    )
    assert read.applicant.id_no != applicant().id_no and read.applicant.name == "张三"
    assert [h.type for h in read.history] == [
        s.CaseSubmitted.TYPE,
        s.CaseSupplementRequested.TYPE,
    ]
    assert {h.source for h in read.history} == {app.source}
    assert [n.code for n in read.notice] == ["LAY", "HLT"]


async def test_an_applicant_lists_only_their_own_cases_masked(app: App) -> None:
    mine = SubmitCase("SCJG-003", applicant(), ALL, "online", APPLICANT)
    theirs = SubmitCase("SCJG-003", applicant(), ALL, "window", CLERK)
    await submit_case(mine, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    await submit_case(theirs, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    listed = await list_cases(APPLICANT, CaseFilter(), uow=app.uow, cursor=None, limit=10)
    assert [c.case_no for c in listed] == ["35050020261125000001"]
    assert listed[0].applicant_id_no != applicant().id_no
    assert list_key(listed[0]) == [NOW, listed[0].case_id]


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
    submit = SubmitCase("SCJG-003", applicant(), ALL, "window", CLERK)
    with pytest.raises(rules.RetiredItemAcceptsNoCases):
        await submit_case(submit, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    assert fake(app).new_events() == [] and fake(app).views.rows == {}


async def test_loading_a_year_reports_each_deadline_that_moves(app: App) -> None:
    moved = await submitted(app, ALL)
    await accept_case(AcceptCase(moved, CLERK), uow=app.uow, clock=app.clock)
    kept = await submitted(app, ALL)
    await accept_case(AcceptCase(kept, CLERK), uow=app.uow, clock=app.clock)
    fake(app).new_events()
    rows = fake(app).views.rows
    rows[moved] = replace(rows[moved], provisional=True)  # derived before 2027 was published
    schedule = YearSchedule(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    loaded = await load_calendar_year(schedule, "admin-1", uow=app.uow, clock=app.clock)
    assert loaded == Loaded(2027, [moved])
    [year, changed] = fake(app).new_events()
    assert isinstance(year, s.CalendarYearLoaded) and year.holidays == [date(2027, 1, 1)]
    assert isinstance(changed, s.CaseDeadlineChanged) and changed.case_id == moved
    assert (changed.cause, changed.provisional) == ("calendar", False)
    assert fake(app).views.schedules == {2027: schedule}
    assert fake(app).streams["calendar-2027"][0].type == s.CalendarYearLoaded.TYPE


async def test_a_schedule_for_another_year_than_named_is_refused_and_nothing_kept(
    app: App,
) -> None:
    schedule = YearSchedule(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    with pytest.raises(rules.ScheduleYearMismatch):
        await load_calendar_year(schedule, "admin-1", year=2028, uow=app.uow, clock=app.clock)
    assert fake(app).new_events() == [] and fake(app).views.schedules == {}


async def test_department_staff_may_not_search_another_departments_cases(app: App) -> None:
    other = CaseFilter(department="GTJ")
    with pytest.raises(rules.OwnDepartmentOnly):
        await list_cases(CLERK, other, uow=app.uow, cursor=None, limit=10)
    assert (
        await list_cases(CLERK, CaseFilter(department="SCJG"), uow=app.uow, cursor=None, limit=10)
        == []
    )

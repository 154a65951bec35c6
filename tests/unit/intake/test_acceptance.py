"""受理 and 容缺受理: deadlines by working days, key materials never tolerated."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.clock import SHANGHAI
from libs.events.contract import (
    CaseAccepted,
    CaseRefused,
    CaseWithdrawalRefusalNoted,
    CaseWithdrawalRequested,
    CaseWithdrawn,
)
from libs.events.http import STATUS_OF
from services.intake.domain import rules
from services.intake.domain.acceptance import Acceptance
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from tests.unit.intake.given import NOW, item, submitted, then

pytestmark = pytest.mark.unit

COMPLETE = ["APP", "LIC", "LAY", "HLT"]
CALENDAR = WorkCalendar()


def accept(case: Case, acceptance: Acceptance, the_item: ItemVersion | None = None) -> CaseAccepted:
    [event] = case.accept(the_item or item(), acceptance, CALENDAR)
    assert isinstance(event, CaseAccepted)
    return event


def test_acceptance_starts_the_limit_the_next_working_day() -> None:
    event = accept(submitted(COMPLETE, channel="online"), Acceptance(now=NOW, by="clerk-1"))
    # Wed 25 Nov + 10 working days: 26, 27, 30 Nov, 1-4, 7, 8, 9 Dec.
    assert event.due_day == date(2026, 12, 9) and not event.provisional
    assert event.deadline == datetime(2026, 12, 9, 23, 59, 59, tzinfo=SHANGHAI)
    assert event.limit_days == 10 and event.accepted_at == NOW and event.accepted_by == "clerk-1"
    assert (event.item_code, event.item_version, event.department, event.kind) == (
        "SCJG-003",
        1,
        "SCJG",
        "promised",
    )
    assert event.channel == "online" and event.deemed_approval
    assert event.tolerated_missing == [] and event.supplement_by is None and event.promise == ""


def test_an_immediate_case_is_due_the_day_it_is_accepted() -> None:
    immediate = item(kind="immediate")
    case = submitted(COMPLETE, the_item=immediate)
    event = accept(case, Acceptance(now=NOW, by="c"), immediate)
    assert event.due_day == date(2026, 11, 25) and event.limit_days == 0


def test_holidays_and_adjusted_working_days_count_as_the_official_calendar_says() -> None:
    # Wed 30 Sep 2026: 1-7 Oct off, Thu 8 (1), Fri 9 (2), Sat 10 adjusted working day (3).
    event = accept(
        submitted(COMPLETE),
        Acceptance(now=datetime(2026, 9, 30, 16, tzinfo=SHANGHAI), by="c"),
        item(promised_limit_days=3),
    )
    assert event.due_day == date(2026, 10, 10)


def test_a_deadline_reaching_into_an_unpublished_year_is_provisional() -> None:
    december = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)
    event = accept(submitted(COMPLETE), Acceptance(now=december, by="c"))
    assert event.provisional and event.due_day == date(2027, 1, 11)  # Mon–Fri rule in 2027


def test_key_materials_can_never_be_tolerated() -> None:
    case = submitted(["APP", "LAY", "HLT"])
    later = NOW.date() + timedelta(days=5)
    with pytest.raises(rules.KeyMaterialsCannotBeTolerated) as caught:
        case.accept(item(), Acceptance(NOW, "c", ["LIC"], later), CALENDAR)
    assert caught.value.extra["materials"] == ["LIC"]
    assert "营业执照复印件 (LIC)" in caught.value.detail
    assert caught.value.rule == "KeyMaterialsCannotBeTolerated"


def test_missing_non_key_materials_must_be_tolerated_explicitly() -> None:
    with pytest.raises(rules.MissingMaterialsNotTolerated) as caught:
        submitted(["APP", "LIC", "LAY"]).accept(item(), Acceptance(NOW, "c"), CALENDAR)
    assert caught.value.extra["materials"] == ["HLT"]


def test_tolerated_acceptance_records_the_promise() -> None:
    case = submitted(["APP", "LIC"])
    by = date(2026, 12, 2)
    event = accept(case, Acceptance(NOW, "clerk-1", ["LAY", "HLT"], by))
    assert event.tolerated_missing == ["LAY", "HLT"] and event.supplement_by == by
    assert "2026-12-02" in event.promise and "从业人员健康证明" in event.promise
    own = accept(submitted(["APP", "LIC"]), Acceptance(NOW, "c", ["LAY", "HLT"], by, "我承诺"))
    assert own.promise == "我承诺"
    assert then(case, [event]).tolerated == ["LAY", "HLT"]


def test_tolerance_needs_a_future_date_within_the_deadline() -> None:
    case = submitted(["APP", "LIC", "LAY"])
    with pytest.raises(rules.SupplementDateRequired):
        case.accept(item(), Acceptance(NOW, "c", ["HLT"]), CALENDAR)
    with pytest.raises(rules.SupplementDateMustBeInTheFuture):
        case.accept(item(), Acceptance(NOW, "c", ["HLT"], date(2026, 11, 25)), CALENDAR)
    with pytest.raises(rules.SupplementDateMustNotPassDeadline):
        case.accept(item(), Acceptance(NOW, "c", ["HLT"], date(2026, 12, 10)), CALENDAR)


def test_only_missing_materials_can_be_tolerated() -> None:
    with pytest.raises(rules.ToleratedMaterialsMustBeMissing) as caught:
        submitted(COMPLETE).accept(
            item(), Acceptance(NOW, "c", ["HLT"], date(2026, 12, 1)), CALENDAR
        )
    assert caught.value.extra["materials"] == ["HLT"]


def test_a_case_is_accepted_once() -> None:
    case = submitted(COMPLETE)
    then(case, case.accept(item(), Acceptance(NOW, "c"), CALENDAR))
    with pytest.raises(rules.CaseNotOpenForIntake) as caught:
        case.accept(item(), Acceptance(NOW, "c"), CALENDAR)
    assert STATUS_OF[caught.value.kind] == 409


def test_refusal_states_its_reason_and_closes_the_case() -> None:
    case = submitted(["APP"])
    with pytest.raises(rules.ReasonRequired):
        case.refuse("  ", now=NOW, by="c")
    [event] = case.refuse("不符合法定条件", now=NOW, by="clerk-1")
    assert isinstance(event, CaseRefused) and event.reason == "不符合法定条件"
    then(case, [event])
    with pytest.raises(rules.CaseClosed):
        case.accept(item(), Acceptance(NOW, "c"), CALENDAR)
    with pytest.raises(rules.CaseClosed):
        case.withdraw("", now=NOW, by="a", decided=False)


def test_an_accepted_case_cannot_be_refused_at_intake() -> None:
    case = submitted(COMPLETE)
    then(case, case.accept(item(), Acceptance(NOW, "c"), CALENDAR))
    with pytest.raises(rules.CaseNotOpenForIntake):
        case.refuse("too late", now=NOW, by="c")


def test_withdrawal_before_acceptance_is_confirmed_by_intake() -> None:
    case = submitted(COMPLETE)
    [event] = case.withdraw(" 不再需要 ", now=NOW, by="applicant-1", decided=False)
    assert isinstance(event, CaseWithdrawn) and event.reason == "不再需要"
    assert then(case, [event]).status == "withdrawn"


def test_withdrawal_after_acceptance_is_a_request_for_approval_to_answer() -> None:
    case = submitted(COMPLETE)
    then(case, case.accept(item(), Acceptance(NOW, "c"), CALENDAR))
    with pytest.raises(rules.CaseAlreadyDecided):
        case.withdraw("", now=NOW, by="applicant-1", decided=True)
    [event] = case.withdraw(" 不再需要 ", now=NOW, by="applicant-1", decided=False)
    assert isinstance(event, CaseWithdrawalRequested) and event.reason == "不再需要"
    assert then(case, [event]).status == "withdrawal_requested"
    assert case.withdraw("", now=NOW, by="applicant-1", decided=False) == []  # asked once


def test_a_refused_withdrawal_leaves_the_case_accepted_as_before() -> None:
    case = submitted(COMPLETE)
    then(case, case.accept(item(), Acceptance(NOW, "c"), CALENDAR))
    then(case, case.withdraw("不再需要", now=NOW, by="applicant-1", decided=False))
    [event] = case.note_withdrawal_refused("已作出决定，不能撤回", decision="approved", now=NOW)
    assert isinstance(event, CaseWithdrawalRefusalNoted)
    assert event.summary == "撤回申请未予办理：已作出决定，不能撤回"
    assert then(case, [event]).status == "accepted"
    assert case.note_withdrawal_refused("again", decision="approved", now=NOW) == []


def test_a_reported_case_names_its_deciding_center_on_acceptance() -> None:
    reported = item(kind="reported", decided_by_center="350000")
    [event] = submitted(COMPLETE, reported).accept(reported, Acceptance(NOW, "c"), CALENDAR)
    assert isinstance(event, CaseAccepted) and event.decided_by_center == "350000"
    [other] = submitted(COMPLETE).accept(item(), Acceptance(NOW, "c"), CALENDAR)
    assert isinstance(other, CaseAccepted) and other.decided_by_center is None


def test_a_loaded_schedule_overrides_the_library() -> None:
    extra_holiday = YearSchedule(year=2026, holidays=[date(2026, 11, 26)], workdays=[])
    calendar = WorkCalendar({2026: extra_holiday})
    [event] = submitted(COMPLETE).accept(item(), Acceptance(NOW, "c"), calendar)
    assert isinstance(event, CaseAccepted) and event.due_day == date(2026, 12, 10)

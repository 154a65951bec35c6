"""Loading a year's schedule derives deadlines again from the clock facts (cause "calendar")."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from libs.events.calendar import Deadline, WorkCalendar, YearSchedule
from libs.events.caseclock import ClockFacts, Pause
from libs.events.clock import SHANGHAI
from libs.events.contract import CaseAccepted, CaseDeadlineChanged
from services.intake.domain.acceptance import Acceptance
from services.intake.domain.case import Case
from tests.unit.intake.given import NOW, item, submitted, then

pytestmark = pytest.mark.unit

DECEMBER = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)
Y2027 = YearSchedule(
    year=2027,
    holidays=[date(2027, 1, 1), *[date(2027, 2, d) for d in range(6, 13)]],
    workdays=[date(2027, 2, 14)],
)


def accepted(at: datetime) -> tuple[Case, Deadline]:
    case = submitted(["APP", "LIC", "LAY", "HLT"])
    [event] = case.accept(item(), Acceptance(at, "c"), WorkCalendar())
    assert isinstance(event, CaseAccepted)
    then(case, [event])
    return case, Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional)


def clock(case: Case, *pauses: Pause) -> ClockFacts:
    assert case.accepted is not None
    a = case.accepted
    return ClockFacts(a.accepted_at, a.limit_days, a.kind, pauses)


def test_the_official_schedule_moves_a_provisional_deadline_and_makes_it_final() -> None:
    case, current = accepted(DECEMBER)
    assert current.provisional and current.due_day == date(2027, 1, 11)
    [event] = case.reschedule(WorkCalendar({2027: Y2027}), clock=clock(case), current=current)
    assert isinstance(event, CaseDeadlineChanged)
    assert event.cause == "calendar" and not event.provisional
    assert event.due_day == date(2027, 1, 12)  # 1 January is a holiday after all
    assert event.deadline == datetime(2027, 1, 12, 23, 59, 59, tzinfo=SHANGHAI)
    assert then(case, [event]).deadline == Deadline.end_of(date(2027, 1, 12), provisional=False)


def test_paused_working_days_stay_added() -> None:
    case, current = accepted(DECEMBER)
    # Tue 12-29 .. Mon 01-04: 12-29, 12-30, 12-31 count; 01-01 is a holiday in 2027.
    pause = Pause(
        datetime(2026, 12, 29, 9, tzinfo=SHANGHAI), datetime(2027, 1, 4, 9, tzinfo=SHANGHAI)
    )
    [event] = case.reschedule(
        WorkCalendar({2027: Y2027}), clock=clock(case, pause), current=current
    )
    assert isinstance(event, CaseDeadlineChanged) and event.due_day == date(2027, 1, 15)


def test_a_schedule_that_confirms_the_deadline_only_clears_the_flag() -> None:
    case, current = accepted(DECEMBER)
    weekdays_only = YearSchedule(year=2027, holidays=[], workdays=[])
    [event] = case.reschedule(
        WorkCalendar({2027: weekdays_only}), clock=clock(case), current=current
    )
    assert isinstance(event, CaseDeadlineChanged)
    assert event.due_day == current.due_day and not event.provisional


def test_nothing_changes_for_a_final_deadline() -> None:
    case, current = accepted(NOW)
    assert case.reschedule(WorkCalendar({2027: Y2027}), clock=clock(case), current=current) == []


def test_a_case_not_accepted_is_not_rescheduled() -> None:
    case = submitted(["APP"])
    current = Deadline.end_of(date(2027, 1, 11), provisional=True)
    facts = ClockFacts(DECEMBER, 10, "promised")
    assert case.reschedule(WorkCalendar({2027: Y2027}), clock=facts, current=current) == []

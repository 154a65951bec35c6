"""Working days and deadlines under the official calendar (CONTRACT.md, "Time rules").

Expected dates were computed by hand and checked against chinesecalendar 1.11. 2026 around
National Day: 09-25..09-27 (Mid-autumn) and 10-01..10-07 off; Sunday 09-20 and Saturday 10-10
are adjusted working days (调休上班). 2027 is unknown to the library.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from libs.events.calendar import Deadline, WorkCalendar, YearSchedule
from libs.events.clock import SHANGHAI, FixedClock, SystemClock

pytestmark = pytest.mark.unit

DAY = 1 / 86_400  # one second, in working days


def bj(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """An instant given in Beijing time."""
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def schedule_2027(**extra: list[date]) -> YearSchedule:
    return YearSchedule(year=2027, holidays=[date(2027, 1, 1)], workdays=extra.get("workdays", []))


# --- deadlines -------------------------------------------------------------------------------


def test_deadline_skips_national_day_and_counts_adjusted_saturday(cal: WorkCalendar) -> None:
    # After Wed 09-30: 10-01..07 off, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 adjusted (3).
    deadline = cal.deadline(bj(2026, 9, 30), 3)
    expected = Deadline(
        at=end_of(date(2026, 10, 10)), due_day=date(2026, 10, 10), provisional=False
    )
    assert deadline == expected
    # Sun 10-11 is off again: Mon 10-12 (4), Tue 10-13 (5).
    assert cal.deadline(bj(2026, 9, 30), 5).due_day == date(2026, 10, 13)


def test_adjusted_working_sunday_counts(cal: WorkCalendar) -> None:
    # Accepted Fri 09-18: Sat 09-19 off, Sun 09-20 is a working day.
    assert cal.is_workday(date(2026, 9, 20))
    assert cal.deadline(bj(2026, 9, 18), 1).due_day == date(2026, 9, 20)


def test_acceptance_day_is_not_counted(cal: WorkCalendar) -> None:
    assert cal.deadline(bj(2026, 10, 12, 8, 30), 1).due_day == date(2026, 10, 13)
    assert cal.deadline(bj(2026, 10, 12, 23, 30), 1).due_day == date(2026, 10, 13)


def test_acceptance_day_is_the_shanghai_date(cal: WorkCalendar) -> None:
    # 17:00 UTC on 10-12 is already 01:00 on 10-13 in Beijing.
    accepted = datetime(2026, 10, 12, 17, 0, tzinfo=UTC)
    assert cal.deadline(accepted, 1).due_day == date(2026, 10, 14)


def test_immediate_case_is_due_by_end_of_acceptance_day(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 10, 12, 9), 0)
    assert deadline.at == end_of(date(2026, 10, 12))
    assert not deadline.provisional
    # Accepted online on a Saturday: still due that day.
    assert cal.deadline(bj(2026, 10, 17), 0).due_day == date(2026, 10, 17)
    # An immediate case counts no day, so an unknown year does not make it provisional.
    assert not cal.deadline(bj(2027, 3, 1), 0).provisional


def test_deadline_at_is_end_of_day_in_shanghai(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 10, 12), 1)
    assert deadline.at == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
    assert deadline.at.utcoffset() == timedelta(hours=8)


def test_rejects_naive_datetimes_and_negative_limits(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        cal.deadline(datetime(2026, 10, 12, 10), 1)  # noqa: DTZ001
    with pytest.raises(ValueError, match="limit_days"):
        cal.deadline(bj(2026, 10, 12), -1)


# --- years without an official schedule ------------------------------------------------------


def test_deadline_into_unknown_year_is_provisional_by_monday_to_friday(cal: WorkCalendar) -> None:
    # Tue 12-29: Wed 12-30 (1), Thu 12-31 (2), Fri 2027-01-01 by the weekday rule (3).
    deadline = cal.deadline(bj(2026, 12, 29), 3)
    assert deadline.due_day == date(2027, 1, 1)
    assert deadline.provisional
    # Ending on 12-31 touches no day of 2027.
    assert not cal.deadline(bj(2026, 12, 28), 3).provisional


def test_loading_the_year_makes_it_official_and_moves_the_date(cal: WorkCalendar) -> None:
    loaded = cal.with_schedule(schedule_2027())
    # 01-01 off, Sat 01-02 and Sun 01-03 off, Mon 01-04 (3).
    deadline = loaded.deadline(bj(2026, 12, 29), 3)
    assert deadline == Deadline.end_of(date(2027, 1, 4), provisional=False)
    assert loaded.years_loaded == (2027,)
    # The original calendar is untouched.
    assert cal.years_loaded == ()
    assert cal.deadline(bj(2026, 12, 29), 3).due_day == date(2027, 1, 1)


def test_loaded_adjusted_working_saturday_counts(cal: WorkCalendar) -> None:
    loaded = cal.with_schedule(schedule_2027(workdays=[date(2027, 1, 2)]))
    assert loaded.deadline(bj(2026, 12, 29), 3).due_day == date(2027, 1, 2)


def test_provisional_years(cal: WorkCalendar) -> None:
    assert not cal.is_provisional(date(2026, 6, 1))
    assert not cal.is_provisional(date(2004, 6, 1))
    assert cal.is_provisional(date(2003, 6, 1))
    assert cal.is_provisional(date(2027, 6, 1))
    assert not cal.with_schedule(schedule_2027()).is_provisional(date(2027, 6, 1))


def test_loaded_schedule_overrides_the_library(cal: WorkCalendar) -> None:
    plain_2026 = YearSchedule(year=2026, holidays=[], workdays=[])
    loaded = cal.with_schedule(plain_2026)
    assert not cal.is_workday(date(2026, 10, 1))
    assert loaded.is_workday(date(2026, 10, 1))
    assert not loaded.is_workday(date(2026, 10, 10))


# --- counting --------------------------------------------------------------------------------


def test_add_working_days(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 9, 30), 0) == date(2026, 9, 30)
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert cal.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert cal.working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0
    # Across years: Fri 2027-01-01 and Mon 01-04 by the weekday rule.
    assert cal.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 2
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == sum(
        cal.is_workday(date(2026, 1, 1) + timedelta(days=i)) for i in range(365)
    )


def test_paused_working_days_counts_start_date_to_before_end_date(cal: WorkCalendar) -> None:
    # 09-29 and 09-30 count, 10-01..07 are off, 10-08 counts; 10-09 (the end date) does not.
    assert cal.paused_working_days(bj(2026, 9, 29, 15), bj(2026, 10, 9, 10)) == 3
    assert cal.paused_working_days(bj(2026, 10, 12, 9), bj(2026, 10, 12, 17)) == 0
    assert cal.paused_working_days(bj(2026, 10, 3), bj(2026, 10, 8)) == 0
    with pytest.raises(ValueError, match="before it starts"):
        cal.paused_working_days(bj(2026, 10, 9), bj(2026, 10, 8))


def test_shift_deadline_after_pause(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 9, 30), 3)  # due Sat 10-10
    paused = cal.paused_working_days(bj(2026, 9, 29, 15), bj(2026, 10, 9, 10))
    shifted = cal.shift_deadline(deadline, paused)
    # Sun 10-11 off: Mon 10-12 (1), Tue 10-13 (2), Wed 10-14 (3).
    assert shifted == Deadline.end_of(date(2026, 10, 14), provisional=False)
    assert cal.shift_deadline(deadline, 0) == deadline
    # Same as a longer limit from the start.
    assert shifted == cal.deadline(bj(2026, 9, 30), 3 + paused)


def test_shift_deadline_into_unknown_year_turns_provisional(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 12, 28), 2)  # due Wed 12-30
    shifted = cal.shift_deadline(deadline, 2)
    assert shifted == Deadline.end_of(date(2027, 1, 1), provisional=True)
    # Once provisional, stays so until recomputed from acceptance.
    assert cal.shift_deadline(shifted, 1).provisional
    loaded = cal.with_schedule(schedule_2027())
    assert loaded.shift_deadline(deadline, 2) == Deadline.end_of(
        date(2027, 1, 4), provisional=False
    )


# --- working time ----------------------------------------------------------------------------


def test_remaining_working_time(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 9, 30), 3)  # ends Sat 10-10 23:59:59
    # Half of Fri 10-09 plus Sat 10-10 up to its last second.
    assert cal.remaining_working_time(bj(2026, 10, 9, 12), deadline) == pytest.approx(0.5 + 1 - DAY)
    # Half of 09-30, the holiday counts nothing, then 10-08, 10-09 and 10-10.
    assert cal.remaining_working_time(bj(2026, 9, 30, 12), deadline) == pytest.approx(0.5 + 3 - DAY)
    assert cal.remaining_working_time(bj(2026, 10, 5, 12), deadline) == pytest.approx(3 - DAY)
    assert cal.remaining_working_time(deadline.at, deadline) == 0.0


def test_remaining_working_time_is_negative_overrun_after_deadline(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 9, 30), 3)
    # Last second of Sat, Sun counts nothing, a quarter of Mon 10-12.
    now = bj(2026, 10, 12, 6)
    assert cal.remaining_working_time(now, deadline) == pytest.approx(-(DAY + 0.25))


def test_instant_with_remaining_is_the_earliest_such_instant(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 9, 30), 3)
    assert cal.instant_with_remaining(deadline, 0.0) == deadline.at
    assert cal.instant_with_remaining(deadline, 1.0) == end_of(date(2026, 10, 9))
    # One working day before a deadline right after the holiday lies before the holiday.
    after_holiday = cal.deadline(bj(2026, 9, 30), 1)  # due Thu 10-08
    assert cal.instant_with_remaining(after_holiday, 1.0) == end_of(date(2026, 9, 30))
    # Exactly the whole of 10-08 and 10-09 (plus 1 s of 10-10) left: reached when 09-30 ends.
    assert cal.instant_with_remaining(deadline, 3 - DAY) == bj(2026, 10, 1, 0)
    assert cal.instant_with_remaining(deadline, -(DAY + 0.25)) == bj(2026, 10, 12, 6)
    with pytest.raises(ValueError, match="finite"):
        cal.instant_with_remaining(deadline, float("nan"))


def test_remaining_and_instant_round_trip(cal: WorkCalendar) -> None:
    deadline = cal.deadline(bj(2026, 9, 28), 6)  # due Wed 10-14, across the holiday
    start = bj(2026, 9, 25, 0, 7)
    for step in range(0, 24 * 24):  # every 61 minutes for ~24 days, incl. after the deadline
        now = start + timedelta(minutes=61 * step)
        remaining = cal.remaining_working_time(now, deadline)
        back = cal.instant_with_remaining(deadline, remaining)
        assert cal.remaining_working_time(back, deadline) == pytest.approx(remaining, abs=1e-9)
        assert back <= now + timedelta(microseconds=1)
        if cal.is_workday(now.astimezone(SHANGHAI).date()):
            assert abs(back - now) <= timedelta(microseconds=1)


# --- schedules -------------------------------------------------------------------------------


def test_year_schedule_from_json() -> None:
    raw = '{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-02-06"]}'
    schedule = YearSchedule.model_validate_json(raw)
    assert schedule.holidays == [date(2027, 1, 1)]
    assert schedule.workdays == [date(2027, 2, 6)]


def test_year_schedule_rejects_dates_outside_its_year() -> None:
    with pytest.raises(ValidationError, match="outside 2027: 2026-12-31"):
        YearSchedule(year=2027, holidays=[date(2026, 12, 31)], workdays=[])
    with pytest.raises(ValidationError, match="outside 2027"):
        YearSchedule(year=2027, holidays=[], workdays=[date(2028, 1, 2)])


def test_year_schedule_rejects_a_date_in_both_lists() -> None:
    with pytest.raises(ValidationError, match="both holiday and workday: 2027-01-02"):
        YearSchedule(year=2027, holidays=[date(2027, 1, 2)], workdays=[date(2027, 1, 2)])


def test_year_schedule_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        YearSchedule.model_validate({"year": 2027, "holidays": [], "workdays": [], "x": 1})


def test_calendar_rejects_schedule_under_wrong_year() -> None:
    with pytest.raises(ValueError, match="schedule for 2027 given as year 2026"):
        WorkCalendar({2026: schedule_2027()})


# --- clock -----------------------------------------------------------------------------------


def test_fixed_clock_is_settable_and_advanceable() -> None:
    clock = FixedClock(bj(2026, 10, 12, 9))
    assert clock.now() == datetime(2026, 10, 12, 1, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 10, 12, 3, tzinfo=UTC)
    clock.set(bj(2026, 1, 1, 8))
    assert clock.now() == datetime(2026, 1, 1, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC

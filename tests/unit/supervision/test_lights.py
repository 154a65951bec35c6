"""Colour rules over working days and holidays (CONTRACT.md "Time rules")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events.calendar import Deadline
from services.supervision.domain.lights import (
    changed_at,
    colour,
    colour_at,
    outcome,
    schedule,
    worst,
    yellow_threshold,
)
from tests.unit.supervision.given import CAL, accepted, bj

pytestmark = pytest.mark.unit


def deadline_of(limit: int, at=None):  # type: ignore[no-untyped-def]
    event = accepted("c", at or bj(2026, 9, 16), limit)
    return Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional)


@pytest.mark.parametrize(
    ("limit", "threshold"), [(0, 1.0), (3, 1.0), (5, 1.0), (10, 2.0), (20, 4.0)]
)
def test_yellow_at_twenty_percent_or_one_working_day_whichever_is_larger(limit, threshold) -> None:
    assert yellow_threshold(limit) == threshold


def test_ten_working_days_skip_the_mid_autumn_holiday_and_count_the_adjusted_sunday() -> None:
    deadline = deadline_of(10)  # accepted Wednesday 16 September 2026
    assert str(deadline.due_day) == "2026-09-30"
    plan = schedule(deadline, 10, CAL, escalate_after_days=2)
    assert plan.yellow_at == bj(2026, 9, 28, 23, 59, 59)  # two working days left: 29th, 30th
    assert plan.red_at == bj(2026, 9, 30, 23, 59, 59) + timedelta(microseconds=1)
    assert plan.escalate_at == bj(2026, 10, 9, 23, 59, 59)  # National Day does not count


def test_the_light_follows_the_clock_through_a_holiday() -> None:
    deadline = deadline_of(10)
    assert colour(bj(2026, 9, 24, 18), deadline, 10, CAL) == "green"
    # Sunday of the holiday: a naive Monday-Friday count would be close to yellow; it is not.
    assert colour(bj(2026, 9, 27, 12), deadline, 10, CAL) == "green"
    assert colour(bj(2026, 9, 28, 23, 59, 58), deadline, 10, CAL) == "green"
    assert colour(bj(2026, 9, 28, 23, 59, 59), deadline, 10, CAL) == "yellow"
    assert colour(bj(2026, 9, 30, 23, 59, 59), deadline, 10, CAL) == "yellow"
    assert colour(bj(2026, 10, 1, 0, 0, 0), deadline, 10, CAL) == "red"


def test_a_short_limit_is_yellow_one_working_day_before_across_national_day() -> None:
    deadline = deadline_of(3, bj(2026, 9, 29))
    assert str(deadline.due_day) == "2026-10-09"
    assert colour(bj(2026, 10, 5), deadline, 3, CAL) == "green"  # holidays count nothing
    assert colour(bj(2026, 10, 9, 8), deadline, 3, CAL) == "yellow"


def test_an_immediate_case_is_yellow_at_once_and_red_after_its_day() -> None:
    deadline = deadline_of(0, bj(2026, 9, 16, 9))
    assert colour(bj(2026, 9, 16, 9), deadline, 0, CAL) == "yellow"
    assert colour(bj(2026, 9, 17, 0, 0, 1), deadline, 0, CAL) == "red"


def test_colour_at_agrees_with_the_remaining_time_rule() -> None:
    deadline = deadline_of(10)
    plan = schedule(deadline, 10, CAL, escalate_after_days=2)
    probe = bj(2026, 9, 17)
    while probe < bj(2026, 10, 3):
        left = CAL.remaining_working_time(probe, deadline)
        expected = "red" if left < 0 else "yellow" if left <= 2.0 else "green"
        assert colour_at(probe, plan) == expected, probe
        probe += timedelta(hours=5, minutes=17)


def test_outcomes_early_on_time_overdue() -> None:
    deadline = deadline_of(10)
    assert outcome(bj(2026, 9, 29, 16), deadline) == "early"
    assert outcome(bj(2026, 9, 30, 23, 59, 59), deadline) == "on_time"
    assert outcome(bj(2026, 10, 8, 9), deadline) == "overdue"


def test_a_stage_shows_its_worst_part() -> None:
    assert worst(["green", "red", "yellow"]) == "red"
    assert worst(["green", None]) == "green"
    assert worst([]) is None


def test_a_light_turned_by_time_changed_at_its_transition_instant() -> None:
    plan = schedule(deadline_of(10), 10, CAL, escalate_after_days=2)
    observed = bj(2026, 10, 8, 9)
    since = bj(2026, 9, 16)
    assert changed_at("green", "red", plan, observed=observed, since=since) == plan.red_at
    assert changed_at("red", "green", plan, observed=observed, since=since) == observed

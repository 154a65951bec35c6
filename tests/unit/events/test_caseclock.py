"""The case clock (libs/events/caseclock): one pure function from a case's facts to its deadline.

These tests fail on the code as it was before: there was no such function; each service moved
a stored deadline by the values other services computed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libs.events import contract as s
from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.caseclock import ClockFacts, Pause, deadline
from libs.events.clock import SHANGHAI

pytestmark = pytest.mark.unit

Y2027 = YearSchedule(
    year=2027,
    holidays=[date(2027, 1, 1), *(date(2027, 2, d) for d in range(5, 12))],
    workdays=[date(2027, 2, 13)],
)


def bj(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=SHANGHAI)


def test_limit_counts_after_the_acceptance_day() -> None:
    # After Wed 09-30: 10-01..07 off, Thu 10-08, Fri 10-09, Sat 10-10 (adjusted workday).
    got = deadline(bj(2026, 9, 30), 3, "promised", [], 0, WorkCalendar())
    assert (got.due_day, got.provisional) == (date(2026, 10, 10), False)


def test_immediate_case_is_due_on_its_acceptance_day() -> None:
    got = deadline(bj(2026, 9, 30), 5, "immediate", [], 0, WorkCalendar())
    assert got.due_day == date(2026, 9, 30)


def test_closed_pauses_and_the_extension_add_working_days_open_pause_adds_nothing() -> None:
    cal = WorkCalendar()
    # Mon 11-02 .. Wed 11-04: the pause covers Mon and Tue (2 working days).
    pauses = [Pause(bj(2026, 11, 2), bj(2026, 11, 4))]
    base = deadline(bj(2026, 10, 30), 5, "promised", [], 0, cal)
    assert base.due_day == date(2026, 11, 6)
    assert deadline(bj(2026, 10, 30), 5, "promised", pauses, 0, cal).due_day == date(2026, 11, 10)
    assert deadline(bj(2026, 10, 30), 5, "promised", pauses, 3, cal).due_day == date(2026, 11, 13)
    still = [*pauses, Pause(bj(2026, 11, 5))]
    assert deadline(bj(2026, 10, 30), 5, "promised", still, 0, cal).due_day == date(2026, 11, 10)


def test_a_loaded_year_replaces_the_weekday_rule_and_clears_provisional() -> None:
    accepted = bj(2026, 12, 30)
    before = deadline(accepted, 5, "promised", [], 0, WorkCalendar())
    after = deadline(accepted, 5, "promised", [], 0, WorkCalendar({2027: Y2027}))
    # 12-31, then 2027: 01-01 off by the schedule, so Mon 01-04 .. Thu 01-07.
    assert (before.due_day, before.provisional) == (date(2027, 1, 6), True)
    assert (after.due_day, after.provisional) == (date(2027, 1, 7), False)


def test_a_pause_in_an_unknown_year_makes_the_deadline_provisional() -> None:
    cal = WorkCalendar()
    pauses = [Pause(bj(2027, 1, 4), bj(2027, 1, 6))]
    got = deadline(bj(2026, 12, 1), 0, "promised", pauses, 0, cal)
    assert got.provisional


def test_facts_fold_suspend_resume_extend_and_ignore_duplicates() -> None:
    facts = ClockFacts(bj(2026, 10, 30), 5, "promised")
    ref = {"case_id": "c", "center": "350500"}
    stop = s.CaseSuspended(**ref, procedure="hearing", suspended_at=bj(2026, 11, 2))
    go = s.CaseResumed(
        **ref,
        resumed_at=bj(2026, 11, 4),
        paused_working_days=99,  # a reported value: never adopted
        deadline=bj(2030, 1, 1),
        due_day=date(2030, 1, 1),
    )
    more = s.CaseExtended(
        **ref,
        department="d",
        days=3,
        reason="r",
        by="x",
        extended_at=bj(2026, 11, 5),
        deadline=bj(2030, 1, 1),
        due_day=date(2030, 1, 1),
    )
    for event in (stop, stop, go, go, more, more):
        facts = facts.after(event)
    assert facts.pauses == (Pause(bj(2026, 11, 2), bj(2026, 11, 4)),)
    assert facts.extension_days == 3
    assert facts.deadline(WorkCalendar()).due_day == date(2026, 11, 13)
    assert ClockFacts.from_json(facts.to_json()) == facts


def test_a_resume_whose_suspension_was_not_seen_uses_its_own_start() -> None:
    facts = ClockFacts(bj(2026, 10, 30), 5, "promised").resumed(bj(2026, 11, 4), bj(2026, 11, 2))
    assert facts.pauses == (Pause(bj(2026, 11, 2), bj(2026, 11, 4)),)


@st.composite
def histories(draw: st.DrawFn) -> tuple[datetime, int, list[tuple[int, int]], int]:
    accepted = bj(2026, 11, 1) + timedelta(days=draw(st.integers(0, 80)))
    limit = draw(st.integers(0, 30))
    gaps = draw(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 15)), max_size=4))
    return accepted, limit, gaps, draw(st.integers(0, 10))


@settings(max_examples=60, deadline=None)
@given(histories(), st.booleans())
def test_deriving_at_once_equals_moving_step_by_step(
    history: tuple[datetime, int, list[tuple[int, int]], int], loaded: bool
) -> None:
    """The old step-by-step shifting is the same function when the calendar never changes."""
    accepted, limit, gaps, extension = history
    cal = WorkCalendar({2027: Y2027} if loaded else {})
    moved = cal.deadline(accepted, limit)
    pauses, cursor = [], accepted
    for wait, length in gaps:
        start = cursor + timedelta(days=wait)
        end = start + timedelta(days=length)
        pauses.append(Pause(start, end))
        moved = cal.shift_deadline(moved, cal.paused_working_days(start, end))
        cursor = end
    moved = cal.shift_deadline(moved, extension)
    got = deadline(accepted, limit, "promised", pauses, extension, cal)
    assert got.due_day == moved.due_day
    if not pauses:
        assert got.provisional == moved.provisional

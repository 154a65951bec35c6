"""Property: intake, approval and supervision derive the same deadline from the same events.

Random histories: acceptance, pauses, perhaps the one extension, and a 2027 schedule loaded at a
point of its own in each service (each consumes the calendar and the case apart). Whatever the
order, once every service has seen everything the three deadlines are one.

Fails on the code as it was before: approval moved the deadline by the pause it counted under
its calendar of the moment and supervision and intake adopted the values in the events, so a
schedule arriving after a pause left them apart from what the final calendar gives.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libs.events import contract as s
from libs.events.calendar import Deadline, WorkCalendar, YearSchedule
from libs.events.caseclock import ClockFacts
from libs.events.clock import SHANGHAI
from libs.events.registry import Event
from services.approval.domain.case import ApprovalCase
from services.approval.domain.timing import extend, resume, suspend
from services.intake.adapters.reported import derived
from services.intake.domain.acceptance import Acceptance
from services.supervision.domain.clock import WHOLE, Clocks, fold, rederived
from tests.unit.approval.builders import APPROVER, accepted, opened
from tests.unit.intake.given import item, submitted

pytestmark = pytest.mark.unit

LOAD = "load"  # the calendar load, as one more step of a service's history
BASE = WorkCalendar()  # shared, so the 2026 table is built once


@st.composite
def histories(draw: st.DrawFn) -> dict[str, object]:
    offs = draw(st.sets(st.integers(0, 58), max_size=8))
    first = date(2027, 1, 1)
    holidays = sorted(first + timedelta(days=d) for d in offs)
    return {
        "accepted": datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
        + timedelta(days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 8))),
        "limit": draw(st.integers(1, 20)),
        "pauses": draw(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 12)), max_size=3)),
        "extension": draw(st.integers(0, 5)),
        "schedule": YearSchedule(year=2027, holidays=holidays, workdays=[]),
        "loads": draw(st.lists(st.integers(0, 8), min_size=3, max_size=3)),
    }


def approval_history(h: dict[str, object]) -> tuple[ApprovalCase, list[Event]]:
    """Approval's own events, each computed under approval's calendar of the moment."""
    at = h["accepted"]
    assert isinstance(at, datetime)
    case = opened(accepted(limit=int(str(h["limit"])), at=at))
    calendar, new = BASE, []
    schedule = h["schedule"]
    assert isinstance(schedule, YearSchedule)
    loads = h["loads"]
    assert isinstance(loads, list)

    def apply(events: list[Event]) -> None:
        nonlocal calendar
        for event in events:
            case.apply(event)
            new.append(event)
            if len(new) == loads[1]:
                calendar = calendar.with_schedule(schedule)
                case.calendar = calendar

    if h["extension"]:
        days = int(str(h["extension"]))
        apply(extend(case, APPROVER, days=days, reason="r", calendar=calendar, now=at))
    cursor = at
    for wait, length in h["pauses"]:  # type: ignore[attr-defined]
        cursor += timedelta(days=wait, hours=1)
        apply(suspend(case, procedure="correction", reason="", now=cursor))
        cursor += timedelta(days=length, hours=1)
        apply(resume(case, calendar=calendar, now=cursor))
    case.calendar = BASE.with_schedule(schedule)
    return case, new


def with_load(events: list[Event], at: int) -> list[Event | str]:
    steps: list[Event | str] = list(events)
    steps.insert(min(at, len(steps)), LOAD)
    return steps


def intake_sees(
    acceptance: s.CaseAccepted, steps: list[Event | str], schedule: YearSchedule
) -> Deadline:
    """Intake's consumer folds clock facts; its calendar load reports a derived move."""
    case = submitted(["APP", "LIC", "LAY", "HLT"])
    case.apply(acceptance)
    facts = ClockFacts(acceptance.accepted_at, acceptance.limit_days, acceptance.kind)
    calendar = BASE
    row = derived(facts, calendar)
    for step in steps:
        if step == LOAD:
            calendar = calendar.with_schedule(schedule)
            current = Deadline.end_of(row["due_day"], provisional=row["provisional"])
            for moved in case.reschedule(calendar, clock=facts, current=current):
                assert isinstance(moved, s.CaseDeadlineChanged)
                row = {"due_day": moved.due_day, "provisional": moved.provisional}
        elif isinstance(step, s.CaseSuspended | s.CaseResumed | s.CaseExtended):
            facts = facts.after(step)
            row = derived(facts, calendar)
    return Deadline.end_of(row["due_day"], provisional=row["provisional"])


def supervision_sees(
    acceptance: s.CaseAccepted, steps: list[Event | str], schedule: YearSchedule
) -> Deadline:
    """Supervision folds the events into its clocks; a calendar load derives them again."""
    calendar = BASE
    clocks: Clocks = fold({}, acceptance, calendar)
    for step in steps:
        if step == LOAD:
            calendar = calendar.with_schedule(schedule)
            clocks = rederived(clocks, calendar)
        elif isinstance(step, Event):
            clocks = fold(clocks, step, calendar)
    return clocks[WHOLE].deadline


@settings(max_examples=80, deadline=None)
@given(histories())
def test_the_three_services_derive_one_deadline(h: dict[str, object]) -> None:
    schedule = h["schedule"]
    assert isinstance(schedule, YearSchedule)
    loads = h["loads"]
    assert isinstance(loads, list)
    work, events = approval_history(h)
    acceptance = intake_acceptance(h)
    in_intake = intake_sees(acceptance, with_load(events, loads[0]), schedule)
    in_supervision = supervision_sees(acceptance, with_load(events, loads[2]), schedule)
    assert in_intake == work.current_deadline == in_supervision
    final = ClockFacts(acceptance.accepted_at, acceptance.limit_days, acceptance.kind)
    for event in events:
        final = final.after(event)
    assert work.current_deadline == final.deadline(BASE.with_schedule(schedule))


def intake_acceptance(h: dict[str, object]) -> s.CaseAccepted:
    """The acceptance intake would record at the history's instant and limit."""
    at = h["accepted"]
    assert isinstance(at, datetime)
    case = submitted(["APP", "LIC", "LAY", "HLT"])
    [event] = case.accept(item(promised_limit_days=int(str(h["limit"]))), Acceptance(at, "c"), BASE)
    assert isinstance(event, s.CaseAccepted)
    return event

"""The warning ladder: each rung once, only while the clock runs, heard in working hours."""

from __future__ import annotations

from datetime import UTC

import pytest

from libs.events.calendar import Deadline
from services.supervision.domain.clock import CaseClock
from services.supervision.domain.ladder import WorkingHours, evaluate, recipients
from tests.unit.supervision.given import CAL, accepted, bj

pytestmark = pytest.mark.unit


def clock(**changes) -> CaseClock:  # type: ignore[no-untyped-def]
    event = accepted("c", bj(2026, 9, 16), 10)
    deadline = Deadline(at=event.deadline, due_day=event.due_day, provisional=False)
    return CaseClock(deadline, 10, event.accepted_at, "SCJG", **changes)


def see(c: CaseClock, now, color=None, fired=frozenset()):  # type: ignore[no-untyped-def]
    return evaluate(
        c,
        color=color,
        since=c.started_at,
        fired=fired,
        now=now,
        calendar=CAL,
        escalate_after_days=2,
        ladder=True,
    )


def test_a_new_light_is_green_and_next_changes_when_it_turns_yellow() -> None:
    found = see(clock(), bj(2026, 9, 16, 10))
    assert found.color == "green" and found.changed and found.rungs == ()
    assert found.next_change_at == bj(2026, 9, 28, 23, 59, 59)


def test_each_rung_fires_once_and_a_late_look_fires_every_rung_reached() -> None:
    late = see(clock(), bj(2026, 10, 8, 9), color="green")
    assert late.color == "red" and late.rungs == ("yellow", "red")
    assert late.next_change_at == bj(2026, 10, 9, 23, 59, 59)  # the escalation rung
    again = see(clock(), bj(2026, 10, 8, 9), color="red", fired=frozenset({"yellow", "red"}))
    assert not again.changed and again.rungs == ()
    escalated = see(clock(), bj(2026, 10, 10, 9), color="red", fired=frozenset({"yellow", "red"}))
    assert escalated.rungs == ("escalation",) and escalated.next_change_at is None


def test_a_light_back_to_green_does_not_fire_its_yellow_rung_twice() -> None:
    found = see(clock(), bj(2026, 9, 29, 9), color="green", fired=frozenset({"yellow"}))
    assert found.color == "yellow" and found.changed and found.rungs == ()


def test_no_rungs_while_paused_and_the_light_stays_as_it_was() -> None:
    paused = clock(suspended_since=bj(2026, 9, 21, 15))
    found = see(paused, bj(2026, 10, 20), color="green")
    assert found.color == "green" and not found.changed
    assert found.rungs == () and found.next_change_at is None


def test_recipients_grow_with_the_rung() -> None:
    assert recipients("yellow", center="350500", department="SCJG") == ["department:350500/SCJG"]
    assert "supervisor:350500" in recipients("red", center="350500", department="SCJG")
    assert "department-head:350500/SCJG" in recipients(
        "escalation", center="350500", department="SCJG"
    )


def test_notifications_wait_for_working_hours() -> None:
    hours = WorkingHours.parse("09:00-17:30")
    assert hours.next_moment(bj(2026, 9, 22, 10), CAL) == bj(2026, 9, 22, 10).astimezone(UTC)
    assert hours.next_moment(bj(2026, 9, 22, 7), CAL) == bj(2026, 9, 22, 9).astimezone(UTC)
    # Thursday evening before the Mid-autumn holiday: next is Monday 28th at 09:00.
    assert hours.next_moment(bj(2026, 9, 24, 20), CAL) == bj(2026, 9, 28, 9).astimezone(UTC)
    # Saturday 19th: the adjusted working Sunday 20th comes first.
    assert hours.next_moment(bj(2026, 9, 19, 12), CAL) == bj(2026, 9, 20, 9).astimezone(UTC)
    assert not hours.contains(bj(2026, 10, 3, 10), CAL)
    with pytest.raises(ValueError, match="end before"):
        WorkingHours.parse("18:00-09:00")

"""Light colours (CONTRACT.md "Time rules") as pure functions of instants, deadlines and limits.

`red` after the deadline; `yellow` when the remaining working time is at most 20% of the limit
or at most one working day, whichever is larger; otherwise `green`. A light only changes at a
few instants, so a case's colour at any instant follows from its `Schedule`, and the next
instant at which anything changes is what the projection indexes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from libs.events.calendar import Deadline, WorkCalendar
from libs.events.clock import SHANGHAI

Color = Literal["green", "yellow", "red"]
Outcome = Literal["early", "on_time", "overdue"]

SEVERITY: dict[str, int] = {"green": 0, "yellow": 1, "red": 2}
YELLOW_SHARE = 0.2
MIN_YELLOW_DAYS = 1.0
# "After the deadline": the deadline's own instant (23:59:59) is still in time.
RED_AFTER = timedelta(microseconds=1)


def yellow_threshold(limit_days: int) -> float:
    """Remaining working days at or below which a case is yellow."""
    return max(YELLOW_SHARE * limit_days, MIN_YELLOW_DAYS)


@dataclass(frozen=True)
class Schedule:
    """The instants at which one deadline's light turns yellow and red, and the ladder escalates."""

    deadline: Deadline
    limit_days: int
    yellow_at: datetime
    red_at: datetime
    escalate_at: datetime


def schedule(
    deadline: Deadline, limit_days: int, calendar: WorkCalendar, *, escalate_after_days: int
) -> Schedule:
    """The light's transition instants for this deadline and limit."""
    red_at = deadline.at.astimezone(UTC) + RED_AFTER
    yellow_at = min(calendar.instant_with_remaining(deadline, yellow_threshold(limit_days)), red_at)
    escalate_at = max(
        calendar.instant_with_remaining(deadline, -float(escalate_after_days)), red_at
    )
    return Schedule(deadline, limit_days, yellow_at, red_at, escalate_at)


def colour_at(instant: datetime, plan: Schedule) -> Color:
    """The colour at an instant: defined by the transition instants, so ticks never disagree."""
    if instant >= plan.red_at:
        return "red"
    if instant >= plan.yellow_at:
        return "yellow"
    return "green"


def colour(now: datetime, deadline: Deadline, limit_days: int, calendar: WorkCalendar) -> Color:
    """The contract's colour of a running case at `now`."""
    return colour_at(now, schedule(deadline, limit_days, calendar, escalate_after_days=0))


def turns_at(color: Color, plan: Schedule) -> datetime | None:
    """The instant the light turns `color` (None for green, which is where it starts)."""
    return {"green": None, "yellow": plan.yellow_at, "red": plan.red_at}[color]


def next_colour_change(current: Color | None, plan: Schedule) -> datetime:
    """When a light showing `current` must change next (a fresh light changes at once)."""
    if current is None or current == "green":
        return plan.yellow_at
    return plan.red_at


def changed_at(
    previous: Color | None, new: Color, plan: Schedule, *, observed: datetime, since: datetime
) -> datetime:
    """When the light became `new`: its transition instant when time turned it, else observed."""
    worse = previous is None or SEVERITY[new] > SEVERITY[previous]
    turn = turns_at(new, plan)
    if worse and turn is not None and turn <= observed:
        return max(turn, since)
    return observed


def remaining_days(instant: datetime, deadline: Deadline, calendar: WorkCalendar) -> float:
    """Working days left at `instant` (negative: the overrun), rounded for people to read."""
    return round(calendar.remaining_working_time(instant, deadline), 2)


def outcome(completed_at: datetime, deadline: Deadline) -> Outcome:
    """提前 before the due day, 按期 on it, 超期 after the deadline."""
    if completed_at > deadline.at:
        return "overdue"
    if completed_at.astimezone(SHANGHAI).date() < deadline.due_day:
        return "early"
    return "on_time"


def worst(colours: Iterable[Color | None]) -> Color | None:
    """The worst colour shown (a stage shows its worst part)."""
    found: Color | None = None
    for c in colours:
        if c is not None and (found is None or SEVERITY[c] > SEVERITY[found]):
            found = c
    return found


def light_stream(case_id: str) -> str:
    """The stream of a case's light transitions and warning rungs."""
    return f"light-{case_id}"

"""The warning ladder and light evaluation: what changes for one clock at one instant.

Rungs: `yellow` (临界预警) and `red` (超时警告) when the light reaches them, and `escalation`
(督办升级 to the department head) a configurable number of working days after the deadline.
Each rung fires at most once per case and only while the case's clock runs; staff hear of it
in working hours only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from services.supervision.domain.clock import CaseClock
from services.supervision.domain.lights import (
    SEVERITY,
    Color,
    Schedule,
    changed_at,
    colour_at,
    next_colour_change,
    schedule,
)

Rung = Literal["yellow", "red", "escalation"]
RUNGS: tuple[Rung, ...] = ("yellow", "red", "escalation")
RUNG_NAMES: dict[str, str] = {"yellow": "临界预警", "red": "超时警告", "escalation": "督办升级"}


@dataclass(frozen=True)
class Evaluation:
    """A clock seen at one instant: its colour, when it became so, rungs now due, next change."""

    color: Color
    changed: bool
    at: datetime
    rungs: tuple[Rung, ...]
    next_change_at: datetime | None


def rung_instant(rung: Rung, plan: Schedule) -> datetime:
    """When a rung is reached."""
    return {"yellow": plan.yellow_at, "red": plan.red_at, "escalation": plan.escalate_at}[rung]


def next_change(
    clock: CaseClock, color: Color | None, fired: frozenset[str], plan: Schedule, *, ladder: bool
) -> datetime | None:
    """The next instant the light or the ladder of a running clock changes (None: never)."""
    if not clock.running:
        return None
    instants = [] if color == "red" else [next_colour_change(color, plan)]
    if ladder:
        instants += [rung_instant(r, plan) for r in RUNGS if r not in fired]
    return min(instants) if instants else None


def evaluate(
    clock: CaseClock,
    *,
    color: Color | None,
    since: datetime,
    fired: frozenset[str],
    now: datetime,
    calendar: WorkCalendar,
    escalate_after_days: int,
    ladder: bool,
) -> Evaluation:
    """What `clock` shows at `now`, given the colour it showed and the rungs already fired."""
    plan = schedule(
        clock.deadline, clock.limit_days, calendar, escalate_after_days=escalate_after_days
    )
    seen = clock.effective(now)
    new = colour_at(seen, plan)
    at = changed_at(color, new, plan, observed=seen, since=since)
    due: tuple[Rung, ...] = ()
    if ladder and clock.running:
        due = tuple(r for r in RUNGS if r not in fired and rung_instant(r, plan) <= now)
    after = fired | set(due)
    return Evaluation(
        new, new != color, at, due, next_change(clock, new, after, plan, ladder=ladder)
    )


def recipients(rung: Rung, *, center: str, department: str) -> list[str]:
    """Who hears of a rung: the window staff; supervisors from red; the head at escalation."""
    staff = [f"department:{center}/{department}"]
    if rung == "yellow":
        return staff
    if rung == "red":
        return [*staff, f"supervisor:{center}"]
    return [*staff, f"department-head:{center}/{department}", f"supervisor:{center}"]


@dataclass(frozen=True)
class WorkingHours:
    """The hours staff are at work on a working day (Shanghai time)."""

    start: time = time(9, 0)
    end: time = time(17, 30)

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """`09:00-17:30`."""
        first, _, last = text.partition("-")
        hours = cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        if hours.start >= hours.end:
            raise ValueError(f"working hours {text!r} end before they start")
        return hours

    def contains(self, instant: datetime, calendar: WorkCalendar) -> bool:
        """Whether staff are at work at `instant`."""
        local = instant.astimezone(SHANGHAI)
        return calendar.is_workday(local.date()) and self.start <= local.time() < self.end

    def next_moment(self, instant: datetime, calendar: WorkCalendar) -> datetime:
        """The first instant at or after `instant` when staff are at work (UTC)."""
        if self.contains(instant, calendar):
            return instant.astimezone(UTC)
        local = instant.astimezone(SHANGHAI)
        day = local.date()
        if not (calendar.is_workday(day) and local.time() < self.start):
            day = _next_workday(day, calendar)
        return datetime.combine(day, self.start, SHANGHAI).astimezone(UTC)


def _next_workday(day: date, calendar: WorkCalendar) -> date:
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def severity(color: Color | None) -> int:
    """How bad a colour is (-1 for no light yet)."""
    return -1 if color is None else SEVERITY[color]

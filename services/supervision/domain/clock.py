"""A case's clocks folded from its events: the whole case and each joint part.

Key `""` is the whole case; a joint part is `<stage>/<department>`. The same fold serves the
projection (one event at a time onto the stored clocks) and `at=` queries (every event up to
an instant, from nothing), so both always agree. Each clock keeps its facts (start, limit,
kind, pause intervals, the extension) and derives its deadline from them with the shared case
clock (libs/events/caseclock); deadlines other services computed are never adopted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from libs.events import contract as s
from libs.events.calendar import Deadline, WorkCalendar
from libs.events.caseclock import ClockFacts, Pause
from libs.events.clock import SHANGHAI
from libs.events.registry import Event
from services.supervision.domain.lights import Outcome, outcome

WHOLE = ""
# 行政许可法 art. 44: a licence granted is issued and delivered within 10 working days of the
# decision. Its own clock (key `delivery`), started by the grant, completed by `case.delivered`.
DELIVERY = "delivery"
DELIVERY_DAYS = 10
Clocks = dict[str, "CaseClock"]


@dataclass(frozen=True)
class CaseClock:
    """One running deadline: when it started, whether it is paused, completed or closed."""

    deadline: Deadline
    limit_days: int
    started_at: datetime
    department: str = ""
    stage: str = ""
    suspended_since: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: Outcome | None = None
    used_days: float | None = None
    kind: str = "promised"
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0

    @property
    def running(self) -> bool:
        """Counting down now: not paused, completed or closed."""
        return self.suspended_since is None and self.completed_at is None and not self.closed

    @property
    def closed(self) -> bool:
        """Ended without a decision (refused, withdrawn, returned, the stage stopped)."""
        return self.closed_at is not None

    def stopped_at(self) -> datetime | None:
        """The instant the light froze at, if it did."""
        return self.completed_at or self.suspended_since or self.closed_at

    def effective(self, now: datetime) -> datetime:
        """The instant whose colour the light shows at `now`."""
        stop = self.stopped_at()
        return min(now, stop) if stop is not None else now

    def complete(self, at: datetime, calendar: WorkCalendar) -> CaseClock:
        """Completed at `at`: the light freezes and the outcome is recorded."""
        if self.completed_at is not None or self.closed:
            return self
        left = calendar.remaining_working_time(at, self.deadline)
        # The acceptance day is not counted (art. 82): finishing on it uses none of the limit.
        used = max(0.0, round(self.limit_days - left, 4))
        return replace(
            self,
            completed_at=at,
            suspended_since=None,
            outcome=outcome(at, self.deadline),
            used_days=used,
        )

    @property
    def facts(self) -> ClockFacts:
        """What the deadline is derived from."""
        return ClockFacts(
            self.started_at, self.limit_days, self.kind, self.pauses, self.extension_days
        )

    def derived(self, calendar: WorkCalendar) -> CaseClock:
        """The clock with the deadline its facts give under calendar; an ended one stays."""
        if self.completed_at is not None or self.closed:
            return self
        return replace(self, deadline=self.facts.deadline(calendar))


def deadline_of(at: datetime, due_day: date, provisional: bool) -> Deadline:
    """A Deadline from an event's fields."""
    return Deadline(at=at, due_day=due_day, provisional=provisional)


def part_key(stage: str, department: str) -> str:
    """The key of a joint part."""
    return f"{stage}/{department}"


def fold(clocks: Clocks, event: Event, calendar: WorkCalendar) -> Clocks:
    """The clocks after one event; events that do not touch a clock leave them as they are."""
    match event:
        case s.CaseAccepted():
            deadline = deadline_of(event.deadline, event.due_day, event.provisional)
            whole = CaseClock(
                deadline, event.limit_days, event.accepted_at, event.department, kind=event.kind
            )
            return {**clocks, WHOLE: whole.derived(calendar)}
        case s.CaseExtended():
            return _extend_whole(clocks, event.days, calendar)
        case s.CaseSuspended():
            return _each_running(clocks, lambda c: replace(c, suspended_since=event.suspended_at))
        case s.CaseResumed():
            return _resume(clocks, event, calendar)
        case s.CaseDecided() | s.CaseDeemedApproved() | s.CaseEscalationReturned():
            done = _complete_whole(clocks, completed_at_of(event), calendar)
            return _start_delivery(done, event, calendar)
        case s.CaseDelivered():
            return _complete_delivery(clocks, event.delivered_at, calendar)
        case s.JointStarted():
            return _stage(_move_started(clocks, event, calendar), event, calendar)
        case s.JointPartSuspended() | s.JointPartResumed():
            return _pause_part(clocks, event, calendar)
        case s.JointPartDecided():
            return _complete_part(clocks, event, calendar)
        case s.JointCompleted():
            closed = _close_parts(clocks, event.completed_at)
            done = _complete_whole(closed, event.completed_at, calendar)
            return _start_delivery(done, event, calendar)
        case s.CaseRefused() | s.CaseWithdrawn() | s.CaseReturned():
            return _close_all(clocks, closed_at_of(event))
        case s.WorkClosed() if event.cause == "withdrawn":
            return _close_all(clocks, event.closed_at)
        case s.WorkClosed():
            return _complete_whole(clocks, event.closed_at, calendar)
    return clocks


def completed_at_of(event: Event) -> datetime:
    """The completion instant of a deciding event."""
    match event:
        case s.CaseDecided():
            return event.decided_at
        case s.CaseDeemedApproved():
            return event.deemed_at
        case s.CaseEscalationReturned():
            return event.returned_at
    raise TypeError(f"{type(event).__name__} does not complete a case")


def closed_at_of(event: s.CaseRefused | s.CaseWithdrawn | s.CaseReturned) -> datetime:
    """The instant a case ended without a decision."""
    if isinstance(event, s.CaseRefused):
        return event.refused_at
    if isinstance(event, s.CaseWithdrawn):
        return event.withdrawn_at
    return event.returned_at


def rederived(clocks: Clocks, calendar: WorkCalendar) -> Clocks:
    """Every running or paused clock under another calendar (a year's schedule was loaded)."""
    return {k: c.derived(calendar) for k, c in clocks.items()}


def _extend_whole(clocks: Clocks, days: int, calendar: WorkCalendar) -> Clocks:
    whole = clocks.get(WHOLE)
    if whole is None:
        return clocks
    return {**clocks, WHOLE: replace(whole, extension_days=days).derived(calendar)}


def _each_running(clocks: Clocks, change: Callable[[CaseClock], CaseClock]) -> Clocks:
    return {k: change(c) if c.running else c for k, c in clocks.items()}


def _resume(clocks: Clocks, event: s.CaseResumed, calendar: WorkCalendar) -> Clocks:
    """Every paused clock records the pause interval and derives its deadline again."""
    result: Clocks = {}
    for key, clock in clocks.items():
        since = clock.suspended_since
        if since is None:
            result[key] = clock
            continue
        pauses = (*clock.pauses, Pause(since, event.resumed_at))
        result[key] = replace(clock, suspended_since=None, pauses=pauses).derived(calendar)
    return result


def _complete_whole(clocks: Clocks, at: datetime, calendar: WorkCalendar) -> Clocks:
    whole = clocks.get(WHOLE)
    if whole is None:
        return clocks
    return {**clocks, WHOLE: whole.complete(at, calendar)}


def _parts(event: s.JointStarted, calendar: WorkCalendar) -> Clocks:
    started_on = event.started_at.astimezone(SHANGHAI).date()
    parts: Clocks = {}
    for department, due in event.parts.items():
        due_day = due.astimezone(SHANGHAI).date()
        deadline = deadline_of(due, due_day, calendar.is_provisional(due_day))
        limit = max(calendar.working_days_between(started_on, due_day), 0)
        parts[part_key(event.stage, department)] = CaseClock(
            deadline, limit, event.started_at, department, event.stage, kind="joint"
        ).derived(calendar)
    return parts


def _stage(clocks: Clocks, event: s.JointStarted, calendar: WorkCalendar) -> Clocks:
    return {**clocks, **_parts(event, calendar)}


def _move_started(clocks: Clocks, event: s.JointStarted, calendar: WorkCalendar) -> Clocks:
    """A green-channel stage runs to its own, shorter deadline: the whole clock's limit becomes
    the stage's working days, and the deadline is derived from it like any other."""
    whole = clocks.get(WHOLE)
    if event.stage_due_day is None or whole is None or whole.completed_at or whole.closed:
        return clocks
    started_on = whole.started_at.astimezone(SHANGHAI).date()
    limit = max(calendar.working_days_between(started_on, event.stage_due_day), 0)
    return {**clocks, WHOLE: replace(whole, limit_days=limit).derived(calendar)}


def _pause_part(
    clocks: Clocks, event: s.JointPartSuspended | s.JointPartResumed, calendar: WorkCalendar
) -> Clocks:
    """One part pauses or resumes; the other parts and the stage keep running.

    The part's deadline moves by the working days of the pause as supervision counts them.
    """
    keys = [k for k, c in clocks.items() if k != WHOLE and c.department == event.department]
    if not keys:
        return clocks
    key = max(keys, key=lambda k: clocks[k].started_at)
    clock = clocks[key]
    if isinstance(event, s.JointPartSuspended):
        changed = replace(clock, suspended_since=event.suspended_at) if clock.running else clock
    elif clock.suspended_since is not None:
        paused = calendar.paused_working_days(clock.suspended_since, event.resumed_at)
        moved = calendar.shift_deadline(clock.deadline, paused)
        changed = replace(clock, suspended_since=None, deadline=moved)
    else:
        changed = clock
    return {**clocks, key: changed}


def _complete_part(clocks: Clocks, event: s.JointPartDecided, calendar: WorkCalendar) -> Clocks:
    """The newest stage's part of this department completes."""
    keys = [k for k, c in clocks.items() if is_part(k) and c.department == event.department]
    if not keys:
        return clocks
    key = max(keys, key=lambda k: clocks[k].started_at)
    return {**clocks, key: clocks[key].complete(event.decided_at, calendar)}


def _close_parts(clocks: Clocks, at: datetime) -> Clocks:
    return {
        k: replace(c, closed_at=at) if is_part(k) and c.completed_at is None and not c.closed else c
        for k, c in clocks.items()
    }


def is_part(key: str) -> bool:
    """Whether a clock is a joint part (not the whole case, not the delivery)."""
    return key not in (WHOLE, DELIVERY)


def _granted(event: Event) -> bool:
    decision = getattr(event, "decision", None) or getattr(event, "outcome", None)
    return isinstance(event, s.CaseDeemedApproved) or decision == "approved"


def _start_delivery(clocks: Clocks, event: Event, calendar: WorkCalendar) -> Clocks:
    """A grant starts the delivery clock once (a returned escalation repeats the decision)."""
    whole = clocks.get(WHOLE)
    if DELIVERY in clocks or whole is None or whole.completed_at is None or not _granted(event):
        return clocks
    at = whole.completed_at
    deadline = calendar.deadline(at, DELIVERY_DAYS)
    return {**clocks, DELIVERY: CaseClock(deadline, DELIVERY_DAYS, at, whole.department)}


def _complete_delivery(clocks: Clocks, at: datetime, calendar: WorkCalendar) -> Clocks:
    delivery = clocks.get(DELIVERY)
    if delivery is None:
        return clocks
    return {**clocks, DELIVERY: delivery.complete(at, calendar)}


def _close_all(clocks: Clocks, at: datetime) -> Clocks:
    return {
        k: c if c.completed_at is not None or c.closed else replace(c, closed_at=at)
        for k, c in clocks.items()
    }

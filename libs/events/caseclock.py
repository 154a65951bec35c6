"""The case clock: a case's deadline as a pure function of its events (CONTRACT.md "Time rules").

Every service that shows or acts on a deadline (intake, approval, supervision; each part of a
joint case) derives it here from the facts it consumed — acceptance (instant, limit, kind),
every pause interval, the one extension — and the calendar schedules it knows. Nobody adopts
another service's computed value, so a calendar load and a resume that race end alike
everywhere. No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from libs.events import contract as s
from libs.events.calendar import Deadline, WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.registry import Event

__all__ = ["ClockFacts", "Pause", "deadline", "pauses_from_json", "pauses_to_json"]


@dataclass(frozen=True, slots=True)
class Pause:
    """The clock stood still from `start` until `end` (None: it still does)."""

    start: datetime
    end: datetime | None = None


def deadline(
    accepted_at: datetime,
    limit_days: int,
    kind: str,
    pauses: Sequence[Pause],
    extension_days: int,
    calendar: WorkCalendar,
) -> Deadline:
    """The deadline: limit + closed pauses' working days + the extension, after acceptance day.

    An immediate case (即办件) is due the day it is accepted. An open pause adds nothing yet:
    the deadline moves when the clock restarts. Provisional when any day counted (the limit,
    the extension or a pause) falls in a year with no official schedule.
    """
    closed = tuple((_day(p.start), _day(p.end)) for p in pauses if p.end is not None)
    key = ("case deadline", _day(accepted_at), limit_days, kind, closed, extension_days)
    # Only days count: the many cases accepted on one day with one limit share the result.
    return calendar.memo(
        key, lambda: _deadline(accepted_at, limit_days, kind, pauses, extension_days, calendar)
    )


def _deadline(
    accepted_at: datetime,
    limit_days: int,
    kind: str,
    pauses: Sequence[Pause],
    extension_days: int,
    calendar: WorkCalendar,
) -> Deadline:
    if limit_days < 0 or extension_days < 0:
        raise ValueError(f"negative limit ({limit_days}) or extension ({extension_days})")
    closed = [p for p in pauses if p.end is not None]
    paused = sum(calendar.paused_working_days(p.start, p.end) for p in closed if p.end)
    total = (0 if kind == "immediate" else limit_days) + paused + extension_days
    accepted_on = accepted_at.astimezone(SHANGHAI).date()
    due = calendar.add_working_days(accepted_on, total)
    counted = [(accepted_on + timedelta(days=1), due)] if total else []
    counted += [(_day(p.start), _day(p.end)) for p in closed if p.end]
    provisional = any(
        calendar.is_provisional(date(y, 1, 1))
        for first, last in counted
        for y in range(first.year, last.year + 1)
    )
    return Deadline.end_of(due, provisional=provisional)


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@dataclass(frozen=True, slots=True)
class ClockFacts:
    """What a case's events say about its clock; `after` folds one more event in."""

    accepted_at: datetime
    limit_days: int
    kind: str
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0

    @property
    def paused_since(self) -> datetime | None:
        """When the open pause began, if the clock stands still now."""
        last = self.pauses[-1] if self.pauses else None
        return last.start if last is not None and last.end is None else None

    def deadline(self, calendar: WorkCalendar) -> Deadline:
        """The deadline these facts give under calendar."""
        return deadline(
            self.accepted_at,
            self.limit_days,
            self.kind,
            self.pauses,
            self.extension_days,
            calendar,
        )

    def added_days(self, calendar: WorkCalendar) -> int:
        """Working days the pauses and the extension added to the limit."""
        closed = [p for p in self.pauses if p.end is not None]
        paused = sum(calendar.paused_working_days(p.start, p.end) for p in closed if p.end)
        return paused + self.extension_days

    def suspended(self, at: datetime) -> ClockFacts:
        """The clock stops at `at` (a second stop while stopped changes nothing)."""
        if self.paused_since is not None:
            return self
        return replace(self, pauses=(*self.pauses, Pause(at)))

    def resumed(self, at: datetime, since: datetime | None = None) -> ClockFacts:
        """The clock restarts at `at`; `since` opens the pause if its start was not seen."""
        start = self.paused_since or since
        if start is None:
            return self  # no pause known: a duplicate resume
        kept = self.pauses[:-1] if self.paused_since is not None else self.pauses
        return replace(self, pauses=(*kept, Pause(start, at)))

    def extended(self, days: int) -> ClockFacts:
        """The one extension (延期): a repeated report of it does not add up."""
        return replace(self, extension_days=days)

    def after(self, event: Event) -> ClockFacts:
        """The facts once event is known; events that do not touch the clock change nothing."""
        match event:
            case s.CaseSuspended():
                return self.suspended(event.suspended_at)
            case s.CaseResumed():
                return self.resumed(event.resumed_at, event.suspended_at)
            case s.CaseExtended():
                return self.extended(event.days)
        return self

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form for a read model's column."""
        return {
            "accepted_at": self.accepted_at.isoformat(),
            "limit_days": self.limit_days,
            "kind": self.kind,
            "pauses": pauses_to_json(self.pauses),
            "extension_days": self.extension_days,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClockFacts:
        """The facts from `to_json`'s form."""
        return cls(
            accepted_at=_instant(data["accepted_at"]),
            limit_days=int(data["limit_days"]),
            kind=str(data["kind"]),
            pauses=pauses_from_json(data.get("pauses") or []),
            extension_days=int(data.get("extension_days", 0)),
        )


def _instant(text: str) -> datetime:
    """An ISO 8601 instant; a naive one (SQLite) is UTC, as everything stored is."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def pauses_to_json(pauses: Sequence[Pause]) -> list[list[str | None]]:
    """Pause intervals as `[start, end]` ISO 8601 pairs (end null while paused)."""
    return [[p.start.isoformat(), p.end.isoformat() if p.end else None] for p in pauses]


def pauses_from_json(data: Sequence[Sequence[str | None]]) -> tuple[Pause, ...]:
    """The pauses of `pauses_to_json`'s form."""
    return tuple(Pause(_instant(str(a)), _instant(b) if b else None) for a, b in data)

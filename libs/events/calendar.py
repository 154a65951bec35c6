"""Chinese working-day calendar and case deadlines (CONTRACT.md, "Time rules"); pure, no I/O.

A day's status comes from a loaded `YearSchedule` for its year, else from `chinese_calendar`
when it knows the year, else from the Monday–Friday rule, which is marked provisional.
Working time: each working day counts 1.0 over its 24 hours in Asia/Shanghai (no daylight
saving there since 1991), non-working days count nothing.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Self, TypeVar

import chinese_calendar
from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

from libs.events.clock import SHANGHAI

__all__ = ["Deadline", "WorkCalendar", "YearSchedule"]

SECONDS_PER_DAY = 86_400.0
INSTANTS_KEPT = 100_000
T = TypeVar("T")
_ONE_DAY = timedelta(days=1)
_END_OF_DAY = time(23, 59, 59)


class YearSchedule(BaseModel):
    """One year's official schedule as published by the State Council."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    holidays: list[date]
    workdays: list[date]

    @model_validator(mode="after")
    def _dates_belong_to_year_once(self) -> Self:
        stray = sorted(d for d in [*self.holidays, *self.workdays] if d.year != self.year)
        if stray:
            raise ValueError(f"dates outside {self.year}: {', '.join(map(str, stray))}")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"dates both holiday and workday: {', '.join(map(str, both))}")
        return self


class Deadline(BaseModel):
    """When a case is due: the end (23:59:59 Shanghai) of its due day."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime
    due_day: date
    provisional: bool

    @classmethod
    def end_of(cls, due_day: date, *, provisional: bool) -> Deadline:
        """Build the deadline that falls at the end of due_day."""
        at = datetime.combine(due_day, _END_OF_DAY, SHANGHAI)
        return cls(at=at, due_day=due_day, provisional=provisional)


@dataclass(frozen=True, slots=True)
class _Year:
    first: int  # ordinal of 1 January
    flags: tuple[bool, ...]  # workday or not, by day of year
    ranks: tuple[int, ...]  # working days from 1 January through that day
    provisional: bool


@functools.cache
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _weekday_rule(day: date) -> bool:
    return day.weekday() < 5


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: a timezone is required")
    return moment.astimezone(SHANGHAI).date()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


class WorkCalendar:
    """Working days, deadlines and working time; immutable, per-year tables built lazily."""

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None) -> None:
        self._schedules = dict(schedules or {})
        for year, schedule in self._schedules.items():
            if schedule.year != year:
                raise ValueError(f"schedule for {schedule.year} given as year {year}")
        self._years: dict[int, _Year] = {}
        # Many cases share a deadline: the lights ask for the same instants again and again.
        self._instants: dict[tuple[datetime, float], datetime] = {}
        self._memo: dict[Hashable, Any] = {}

    @property
    def years_loaded(self) -> tuple[int, ...]:
        """Years with an administrator-loaded schedule, ascending."""
        return tuple(sorted(self._schedules))

    def with_schedule(self, schedule: YearSchedule) -> WorkCalendar:
        """Return a new calendar with schedule loaded for its year (replacing any earlier one)."""
        other = WorkCalendar({**self._schedules, schedule.year: schedule})
        # Tables of the other years stay valid; only the loaded year must be rebuilt.
        other._years = {y: t for y, t in self._years.items() if y != schedule.year}
        return other

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1)
        days = [first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1)]
        schedule = self._schedules.get(year)
        if schedule is not None:
            off, on = set(schedule.holidays), set(schedule.workdays)
            flags = tuple(d in on or (_weekday_rule(d) and d not in off) for d in days)
            provisional = False
        elif _library_knows(year):
            flags = tuple(bool(chinese_calendar.is_workday(d)) for d in days)
            provisional = False
        else:
            flags = tuple(_weekday_rule(d) for d in days)
            provisional = True
        ranks = tuple(itertools.accumulate(int(f) for f in flags))
        return _Year(first.toordinal(), flags, ranks, provisional)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key under this calendar (it never changes, so results keep)."""
        if key in self._memo:
            found: T = self._memo[key]
            return found
        if len(self._memo) >= INSTANTS_KEPT:
            self._memo.clear()
        value = self._memo[key] = compute()
        return value

    def is_workday(self, day: date) -> bool:
        """Tell whether day is a working day."""
        table = self._year(day.year)
        return table.flags[day.toordinal() - table.first]

    def is_provisional(self, day: date) -> bool:
        """Tell whether day's year has no official schedule (Monday–Friday rule applies)."""
        return self._year(day.year).provisional

    def _any_provisional(self, first: date, last: date) -> bool:
        return any(self._year(y).provisional for y in range(first.year, last.year + 1))

    def _rank(self, day: date) -> int:
        table = self._year(day.year)
        return table.ranks[day.toordinal() - table.first]

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days d with a < d <= b; when b < a, minus the count for b < d <= a."""
        if b < a:
            return -self.working_days_between(b, a)
        whole_years = sum(self._year(y).ranks[-1] for y in range(a.year, b.year))
        return whole_years + self._rank(b) - self._rank(a)

    def add_working_days(self, day: date, n: int) -> date:
        """Return the nth working day after day (before it when n < 0); day itself when n == 0."""
        return self.memo(("add_working_days", day, n), lambda: self._walk(day, n))

    def _walk(self, day: date, n: int) -> date:
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        left = abs(n)
        while left:
            day += step
            left -= self.is_workday(day)
        return day

    def deadline(self, accepted_at: datetime, limit_days: int) -> Deadline:
        """Return the deadline of a case accepted at accepted_at with a limit in working days."""
        if limit_days < 0:
            raise ValueError(f"limit_days must be >= 0, got {limit_days}")
        accepted_on = _local_day(accepted_at)
        due = self.add_working_days(accepted_on, limit_days)
        # The acceptance day itself is never counted, so only later days can be provisional.
        provisional = limit_days > 0 and self._any_provisional(accepted_on + _ONE_DAY, due)
        return Deadline.end_of(due, provisional=provisional)

    def paused_working_days(self, start: datetime, end: datetime) -> int:
        """Count working days d (Shanghai dates) with start's date <= d < end's date."""
        if end < start:
            raise ValueError(f"pause ends ({end}) before it starts ({start})")
        first, last = _local_day(start), _local_day(end)
        return self.working_days_between(first - _ONE_DAY, last - _ONE_DAY)

    def shift_deadline(self, deadline: Deadline, k: int) -> Deadline:
        """Move deadline k working days later, as resuming after such a pause requires."""
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        if k == 0:
            return deadline
        due = self.add_working_days(deadline.due_day, k)
        provisional = deadline.provisional or self._any_provisional(
            deadline.due_day + _ONE_DAY, due
        )
        return Deadline.end_of(due, provisional=provisional)

    def _working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time from start to end (start <= end), in seconds."""
        first, last = _local_day(start), _local_day(end)
        if first == last:
            return (end - start).total_seconds() if self.is_workday(first) else 0.0
        head = (_start_of(first + _ONE_DAY) - start).total_seconds()
        tail = (end - _start_of(last)).total_seconds()
        middle = self.working_days_between(first, last - _ONE_DAY) * SECONDS_PER_DAY
        return (
            (head if self.is_workday(first) else 0.0)
            + middle
            + (tail if self.is_workday(last) else 0.0)
        )

    def remaining_working_time(self, now: datetime, deadline: Deadline) -> float:
        """Working days left from now until deadline.at; negative (the overrun) once past it."""
        if now <= deadline.at:
            return self._working_seconds(now, deadline.at) / SECONDS_PER_DAY
        return -self._working_seconds(deadline.at, now) / SECONDS_PER_DAY

    def instant_with_remaining(self, deadline: Deadline, remaining: float) -> datetime:
        """Return the earliest instant (UTC) at which remaining_working_time <= remaining."""
        found = self._instants.get((deadline.at, remaining))
        if found is not None:
            return found
        if not math.isfinite(remaining):
            raise ValueError(f"remaining must be finite, got {remaining}")
        # Whole microseconds, like datetime itself, so ties at day boundaries are exact.
        budget = round(abs(remaining) * SECONDS_PER_DAY, 6)
        if remaining >= 0:
            found = self._walk_back(deadline.at, budget).astimezone(UTC)
        else:
            found = self._walk_forward(deadline.at, budget).astimezone(UTC)
        if len(self._instants) >= INSTANTS_KEPT:
            self._instants.clear()
        self._instants[(deadline.at, remaining)] = found
        return found

    def _walk_back(self, cursor: datetime, budget: float) -> datetime:
        day = _local_day(cursor)
        while True:
            available = (cursor - _start_of(day)).total_seconds() if self.is_workday(day) else 0.0
            # Strict: on a tie keep walking past non-working days to find the earliest instant.
            if budget < available:
                return cursor - timedelta(seconds=budget)
            budget -= available
            cursor, day = _start_of(day), day - _ONE_DAY

    def _walk_forward(self, cursor: datetime, budget: float) -> datetime:
        day = _local_day(cursor)
        while True:
            end = _start_of(day + _ONE_DAY)
            available = (end - cursor).total_seconds() if self.is_workday(day) else 0.0
            if budget <= available:
                return cursor + timedelta(seconds=budget)
            budget -= available
            cursor, day = end, day + _ONE_DAY

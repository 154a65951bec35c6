"""Load a year's official schedule; every open case's deadline is derived again under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.calendar import YearSchedule
from libs.events.clock import Clock
from libs.events.contract import CalendarYearLoaded
from services.intake.application.common import (
    IntakeTransaction,
    IntakeUnitOfWork,
    load_case,
    save_case,
)
from services.intake.domain.rules import ScheduleYearMismatch


@dataclass(frozen=True)
class Loaded:
    """The year loaded and the cases whose deadline moved."""

    year: int
    recomputed: list[str]


def calendar_stream(year: int) -> str:
    """The stream holding a year's loaded schedules."""
    return f"calendar-{year}"


async def load_calendar_year(
    schedule: YearSchedule,
    by: str,
    *,
    year: int | None = None,
    uow: IntakeUnitOfWork,
    clock: Clock,
) -> Loaded:
    """Store the schedule as an event, then derive open deadlines again, in one transaction;
    `year` (the one the caller named, if any) must be the schedule's (ScheduleYearMismatch)."""
    if year is not None and schedule.year != year:
        raise ScheduleYearMismatch(
            f"the path says {year} but the schedule is for {schedule.year}", field="year"
        )
    async with uow.begin() as tx:
        stream = calendar_stream(schedule.year)
        loaded = CalendarYearLoaded(
            year=schedule.year,
            holidays=sorted(schedule.holidays),
            workdays=sorted(schedule.workdays),
            loaded_by=by,
        )
        await tx.events.append(stream, await tx.events.version(stream), [loaded])
        await tx.views.store_schedule(schedule)
        recomputed = await _recompute(tx, now=clock.now())
    return Loaded(schedule.year, recomputed)


async def _recompute(tx: IntakeTransaction, *, now: datetime) -> list[str]:
    """`case.deadline_changed` reports each move (the open cases' rows are locked)."""
    calendar = await tx.calendar()
    changed = []
    for open_clock in await tx.views.open_clocks():
        case = await load_case(tx, open_clock.case_id, None)
        events = case.reschedule(calendar, clock=open_clock.clock, current=open_clock.current)
        await save_case(tx, case, events, now=now)
        if events:
            changed.append(open_clock.case_id)
    return changed

"""Load a year's official schedule; every open case's deadline is derived again under it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import Deadline, WorkCalendar, YearSchedule
from libs.events.caseclock import ClockFacts
from libs.events.contract import CalendarYearLoaded
from libs.events.runtime import Runtime
from libs.events.schedules import store_schedule
from services.intake.adapters.tables import cases
from services.intake.application.common import load_case, save_case
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE


@dataclass(frozen=True)
class Loaded:
    """The year loaded and the cases whose deadline moved."""

    year: int
    recomputed: list[str]


def calendar_stream(year: int) -> str:
    """The stream holding a year's loaded schedules."""
    return f"calendar-{year}"


async def load_calendar_year(*, runtime: Runtime, schedule: YearSchedule, by: str) -> Loaded:
    """Store the schedule as an event, then derive open deadlines again, in one transaction."""
    async with runtime.transaction() as conn:
        stream = calendar_stream(schedule.year)
        version = await runtime.store.version(conn, stream)
        loaded = CalendarYearLoaded(
            year=schedule.year,
            holidays=sorted(schedule.holidays),
            workdays=sorted(schedule.workdays),
            loaded_by=by,
        )
        await runtime.store.append(conn, stream, version, [loaded])
        await store_schedule(conn, schedule)
        calendar = await runtime.calendar(conn)
        recomputed = await _recompute(conn, runtime, calendar)
    return Loaded(schedule.year, recomputed)


async def _recompute(conn: AsyncConnection, runtime: Runtime, calendar: WorkCalendar) -> list[str]:
    """`case.deadline_changed` reports each move; rows are locked so a pause ending meanwhile
    is either seen here or derives under this calendar after us."""
    query = (
        select(cases.c.case_id, cases.c.clock, cases.c.due_day, cases.c.provisional)
        .where(
            cases.c.status.in_(OPEN_AFTER_ACCEPTANCE),
            cases.c.outcome.is_(None),
            cases.c.clock.is_not(None),
        )
        .order_by(cases.c.case_id)
        .with_for_update()
    )
    changed = []
    for row in (await conn.execute(query)).all():
        current = Deadline.end_of(row.due_day, provisional=row.provisional)
        case = await load_case(runtime, conn, row.case_id, None)
        clock = ClockFacts.from_json(row.clock)
        events = case.reschedule(calendar, clock=clock, current=current)
        await save_case(runtime, conn, case, events)
        if events:
            changed.append(row.case_id)
    return changed

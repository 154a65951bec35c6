"""Every service's copy of the official calendar schedules loaded by center administrators.

Intake appends `calendar.year_loaded`; each service (intake included) applies it from
`case-events` to its own `calendar_schedules` table, so all levels count working days alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.contract import CalendarYearLoaded
from libs.events.envelope import Envelope
from libs.events.registry import Event

metadata = MetaData()

calendar_schedules = Table(
    "calendar_schedules",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("schedule", JSON, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)


async def store_schedule(conn: AsyncConnection, schedule: YearSchedule) -> None:
    """Keep this year's schedule, replacing an earlier, different load of the same year."""
    t = calendar_schedules
    stored = (await conn.execute(select(t.c.schedule).where(t.c.year == schedule.year))).scalar()
    if stored is not None and YearSchedule.model_validate(stored) == schedule:
        return  # the same load seen twice (the service's own event coming back): nothing moves
    await conn.execute(delete(calendar_schedules).where(calendar_schedules.c.year == schedule.year))
    await conn.execute(
        insert(calendar_schedules).values(
            year=schedule.year,
            schedule=schedule.model_dump(mode="json"),
            loaded_at=datetime.now(UTC),
        )
    )


class CalendarCache:
    """The WorkCalendar of `calendar_schedules`, rebuilt only when a year is (re)loaded."""

    def __init__(self) -> None:
        self._key: tuple[tuple[int, str], ...] | None = None
        self._calendar = WorkCalendar()

    async def get(self, conn: AsyncConnection) -> WorkCalendar:
        """The calendar with every schedule loaded so far."""
        t = calendar_schedules
        loads = (await conn.execute(select(t.c.year, t.c.loaded_at))).all()
        key = tuple(sorted((r.year, str(r.loaded_at)) for r in loads))
        if key != self._key:
            rows = await conn.execute(select(t.c.schedule))
            schedules = [YearSchedule.model_validate(r.schedule) for r in rows]
            self._calendar = WorkCalendar({sc.year: sc for sc in schedules})
            self._key = key
        return self._calendar


async def when_calendar_year_loaded_store_schedule(
    conn: AsyncConnection, _: Envelope, event: Event
) -> None:
    """Consumer handler: apply a loaded year to this service's calendar."""
    if isinstance(event, CalendarYearLoaded):
        schedule = YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
        await store_schedule(conn, schedule)

"""The working-day calendar as this service's database knows it, rebuilt only when it changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.schedules import calendar_schedules, store_schedule


class CalendarSource:
    """Caches the WorkCalendar built from `calendar_schedules` until a year is (re)loaded."""

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


async def keep_schedule(conn: AsyncConnection, schedule: YearSchedule) -> None:
    """Store a loaded year unless this very schedule is already there (the runtime's own
    calendar consumer stores it too; writing it once avoids racing it for nothing)."""
    t = calendar_schedules
    query = select(t.c.schedule).where(t.c.year == schedule.year)
    stored = (await conn.execute(query)).scalar_one_or_none()
    if stored is None or YearSchedule.model_validate(stored) != schedule:
        await store_schedule(conn, schedule)

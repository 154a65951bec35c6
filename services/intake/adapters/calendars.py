"""Loaded official schedules; intake's WorkCalendar is built from them and chinese_calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import WorkCalendar, YearSchedule
from services.intake.adapters.tables import calendar_years as t


async def store_schedule(
    conn: AsyncConnection, schedule: YearSchedule, *, by: str, now: datetime
) -> None:
    """Keep a year's schedule, replacing one loaded earlier for that year."""
    await conn.execute(delete(t).where(t.c.year == schedule.year))
    await conn.execute(
        insert(t).values(
            year=schedule.year,
            holidays=[d.isoformat() for d in sorted(schedule.holidays)],
            workdays=[d.isoformat() for d in sorted(schedule.workdays)],
            loaded_by=by,
            loaded_at=now,
        )
    )


async def schedules(conn: AsyncConnection) -> dict[int, YearSchedule]:
    """Every loaded schedule by year."""
    rows = (await conn.execute(select(t.c.year, t.c.holidays, t.c.workdays))).all()
    return {
        r.year: YearSchedule(
            year=r.year,
            holidays=[date.fromisoformat(d) for d in r.holidays],
            workdays=[date.fromisoformat(d) for d in r.workdays],
        )
        for r in rows
    }


async def work_calendar(conn: AsyncConnection) -> WorkCalendar:
    """The calendar of the loaded schedules, chinese_calendar for other known years."""
    return WorkCalendar(await schedules(conn))

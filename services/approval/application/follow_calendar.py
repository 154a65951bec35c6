"""A calendar year was loaded: open work takes the deadline its own facts give under it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.calendar import YearSchedule
from libs.events.contract import CalendarYearLoaded
from libs.events.schedules import store_schedule
from services.approval.adapters import projection
from services.approval.application.context import Context
from services.approval.application.unit import load_case


async def when_calendar_year_loaded_rederive_work(
    conn: AsyncConnection, ctx: Context, event: CalendarYearLoaded
) -> None:
    """Store the year, then rewrite every open work item's deadline (never intake's value)."""
    schedule = YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
    await store_schedule(conn, schedule)
    # Rows locked first: a command committing meanwhile re-reads the calendar after us.
    for case_id in await projection.lock_open(conn):
        case = await load_case(conn, ctx, case_id)
        await projection.refresh(conn, case)

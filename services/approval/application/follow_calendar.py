"""A calendar year was loaded: open work takes the deadline its own facts give under it."""

from __future__ import annotations

from libs.events.calendar import YearSchedule
from libs.events.contract import CalendarYearLoaded
from services.approval.application.ports import ApprovalTx
from services.approval.application.unit import load_case


async def when_calendar_year_loaded_rederive_work(
    tx: ApprovalTx, event: CalendarYearLoaded
) -> None:
    """Store the year, then rewrite every open work item's deadline (never intake's value)."""
    schedule = YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
    await tx.views.store_schedule(schedule)
    # Rows locked first: a command committing meanwhile re-reads the calendar after us.
    for case_id in await tx.views.lock_open():
        case = await load_case(tx, case_id)
        await tx.views.refresh(case)

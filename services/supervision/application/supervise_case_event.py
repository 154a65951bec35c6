"""A case event arrives: keep it, project it, look for anomalies, and update the case's lights."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import YearSchedule
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.schedules import store_schedule
from services.supervision.adapters import inbox, light_rows
from services.supervision.adapters.ledger_rows import read_history
from services.supervision.application.context import Supervision
from services.supervision.application.detect_anomalies import detect_anomalies
from services.supervision.application.project_case import (
    Received,
    project_case_event,
    rederive_all,
)
from services.supervision.application.refresh_lights import refresh_lights, reschedule_all
from services.supervision.application.track_projects import track_project_event


async def supervise_case_event(
    sv: Supervision, conn: AsyncConnection, envelope: Envelope, event: Event
) -> None:
    """Apply one consumed event in the consumer's transaction."""
    now = sv.clock.now()
    await inbox.record(conn, envelope, now)
    if isinstance(event, s.CalendarYearLoaded):
        # Our copy first: the runtime's calendar consumer may not have stored it yet.
        schedule = YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
        await store_schedule(conn, schedule)
    if isinstance(event, s.CalendarYearLoaded):
        calendar = await sv.calendars.get(conn)
        await rederive_all(conn, calendar)
        await reschedule_all(conn, calendar, escalate_after_days=sv.settings.escalate_after_days)
        return
    if isinstance(event, ProjectEvent):  # 并联审批 projects: tracking and series statistics
        await track_project_event(conn, event)
        return
    if not isinstance(event, s.CaseEvent):
        return
    # The case's lights are locked before the calendar is read: a calendar load that got them
    # first has committed by now, so this event derives under the new year (or it waits for us).
    await light_rows.load(conn, event.case_id, lock=True)
    calendar = await sv.calendars.get(conn)
    history = (await read_history(conn, [event.case_id]))[event.case_id]
    received = Received(envelope.type, envelope.center, envelope.sequence, envelope.time, now)
    happened = await project_case_event(conn, received, event, calendar)
    if happened is None:
        return
    await detect_anomalies(sv, conn, history, happened, now=now, calendar=calendar)
    await refresh_lights(sv, conn, event.case_id, now=now, calendar=calendar)

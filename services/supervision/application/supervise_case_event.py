"""A case event arrives: keep it, project it, look for anomalies, and update the case's lights."""

from __future__ import annotations

from libs.events import contract as s
from libs.events.calendar import YearSchedule
from libs.events.clock import Clock
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.supervision.application.detect_anomalies import detect_anomalies
from services.supervision.application.ports import Received, SupervisionViews
from services.supervision.config import Settings


async def supervise_case_event(
    tx: Transaction[SupervisionViews],
    envelope: Envelope,
    event: Event,
    *,
    clock: Clock,
    settings: Settings,
) -> None:
    """Apply one consumed event in the consumer's transaction."""
    now = clock.now()
    await tx.views.record_inbox([envelope], now)
    if isinstance(event, s.CalendarYearLoaded):
        await _calendar_year_loaded(tx, event)
        return
    if isinstance(event, ProjectEvent):  # 并联审批 projects: tracking and series statistics
        await tx.views.track_project(event)
        return
    if not isinstance(event, s.CaseEvent):
        return
    # The case's lights are locked before the calendar is read: a calendar load that got them
    # first has committed by now, so this event derives under the new year (or it waits for us).
    await tx.views.lock_lights(event.case_id)
    calendar = await tx.calendar()
    history = (await tx.views.histories([event.case_id]))[event.case_id]
    received = Received(envelope.type, envelope.center, envelope.sequence, envelope.time, now)
    happened = await tx.views.project_case_event(received, event, calendar)
    if happened is None:
        return
    await detect_anomalies(tx, settings, history, happened, now=now, calendar=calendar)
    await tx.views.refresh_lights(event.case_id, now=now, calendar=calendar)


async def _calendar_year_loaded(
    tx: Transaction[SupervisionViews], event: s.CalendarYearLoaded
) -> None:
    """Every open clock derives its deadline again, every light its next change."""
    # Our copy first: the runtime's calendar consumer may not have stored it yet.
    schedule = YearSchedule(year=event.year, holidays=event.holidays, workdays=event.workdays)
    await tx.views.store_schedule(schedule)
    calendar = await tx.calendar()
    await tx.views.rederive_all(calendar)
    await tx.views.reschedule_all(calendar)

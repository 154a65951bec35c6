"""Evaluate a case's lights at an instant: publish each transition and rung once, reschedule.

Called by the consumer after every case event and by the tick for cases whose indexed
`next_change_at` has come. The case's light rows are locked first, and the transition events
go to the stream `light-<case_id>` at its current version, so a transition is appended once
even when a tick and a consumer (or two processes) race, and never again after a restart.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import Deadline, WorkCalendar
from libs.events.registry import Event
from libs.events.store import EventStore
from services.supervision.adapters import light_rows
from services.supervision.adapters.light_rows import LightRow
from services.supervision.adapters.project_own import apply_own
from services.supervision.adapters.tables import notifications, supervised_cases
from services.supervision.config import Settings
from services.supervision.domain.clock import WHOLE
from services.supervision.domain.ladder import (
    RUNG_NAMES,
    Evaluation,
    evaluate,
    next_change,
    recipients,
    rung_instant,
)
from services.supervision.domain.lights import light_stream, remaining_days, schedule
from services.supervision.domain.timeline import by_day
from services.supervision.events import WarningIssued


async def refresh_lights(
    conn: AsyncConnection,
    store: EventStore,
    settings: Settings,
    case_id: str,
    *,
    now: datetime,
    calendar: WorkCalendar,
) -> list[Event]:
    """Publish what changed in the case's lights by `now`; returns the appended events."""
    rows = await light_rows.load(conn, case_id, lock=True)
    if not rows:
        return []
    found = {part: evaluate_row(settings, row, now, calendar) for part, row in rows.items()}
    new: list[Event] = []
    for part, evaluation in found.items():
        new += light_events(settings, rows[part], evaluation, now, calendar)
    if new:
        first = rows.get(WHOLE) or next(iter(rows.values()))
        await _record(conn, store, light_stream(case_id), new, center=first.center)
        warnings = [e for e in new if isinstance(e, WarningIssued)]
        await _enqueue(conn, warnings, first.clock.deadline, now, calendar)
    for part, evaluation in found.items():
        if evaluation.next_change_at != rows[part].next_change_at:
            await light_rows.set_light(
                conn, case_id, part, next_change_at=evaluation.next_change_at
            )
    return new


async def _record(
    conn: AsyncConnection, store: EventStore, stream: str, new: list[Event], *, center: str
) -> None:
    """Append at the stream's current version (ConcurrencyError if it moved), then project."""
    await store.append(conn, stream, await store.version(conn, stream), new, center=center)
    for event in new:
        await apply_own(conn, event)


def evaluate_row(
    settings: Settings, row: LightRow, now: datetime, calendar: WorkCalendar
) -> Evaluation:
    return evaluate(
        row.clock,
        color=row.color,
        since=row.color_since or row.clock.started_at,
        fired=row.fired,
        now=now,
        calendar=calendar,
        escalate_after_days=settings.escalate_after_days,
        ladder=row.part == WHOLE,
    )


def light_events(
    settings: Settings, row: LightRow, found: Evaluation, now: datetime, calendar: WorkCalendar
) -> list[Event]:
    """The light's transition, if any, then each rung now due."""
    clock = row.clock
    changed: list[Event] = []
    if found.changed:
        changed.append(
            s.LightChanged(
                case_id=row.case_id,
                center=row.center,
                color=found.color,
                previous=row.color,
                at=found.at,
                deadline=clock.deadline.at,
                department=clock.department,
                part=row.part,
            )
        )
    return changed + _warnings(settings, row, found, now, calendar)


def _warnings(
    settings: Settings, row: LightRow, found: Evaluation, now: datetime, calendar: WorkCalendar
) -> list[Event]:
    clock = row.clock
    days = settings.escalate_after_days
    plan = schedule(clock.deadline, clock.limit_days, calendar, escalate_after_days=days)
    notify_at = settings.hours().next_moment(now, calendar)
    return [
        WarningIssued(
            case_id=row.case_id,
            center=row.center,
            rung=rung,
            department=clock.department,
            deadline=clock.deadline.at,
            fired_at=rung_instant(rung, plan),
            notify=recipients(rung, center=row.center, department=clock.department),
            notify_at=notify_at,
        )
        for rung in found.rungs
    ]


async def _enqueue(
    conn: AsyncConnection,
    warnings: list[WarningIssued],
    deadline: Deadline,
    now: datetime,
    calendar: WorkCalendar,
) -> None:
    """Queue each rung's notifications for delivery in working hours."""
    if not warnings:
        return
    t = supervised_cases
    query = select(t.c.case_no, t.c.item_name).where(t.c.case_id == warnings[0].case_id)
    case = (await conn.execute(query)).first()
    label = label_of(warnings[0].case_id, *(case or (None, None)))
    rows = notification_rows(warnings, deadline, now, calendar, label)
    await conn.execute(insert(notifications), rows)


def label_of(case_id: str, case_no: str | None, item_name: str | None) -> str:
    """How a notification names a case: its number and item, else its id."""
    return f"{case_no}（{item_name}）" if case_no else case_id


def notification_rows(
    warnings: list[WarningIssued],
    deadline: Deadline,
    now: datetime,
    calendar: WorkCalendar,
    label: str,
) -> list[dict[str, Any]]:
    """The notifications of each rung, for delivery in working hours."""
    left = remaining_days(now, deadline, calendar)
    return [
        {
            "case_id": w.case_id,
            "rung": w.rung,
            "recipient": recipient,
            "message": f"【{RUNG_NAMES[w.rung]}】办件 {label} 办结期限 {by_day(w.deadline)} 日终，"
            f"剩余 {left} 个工作日，请及时办理。",
            "due_at": w.notify_at,
        }
        for w in warnings
        for recipient in w.notify
    ]


def reschedule(
    row: LightRow, calendar: WorkCalendar, *, escalate_after_days: int
) -> datetime | None:
    """The next change instant of a stored light, as `refresh_lights` would leave it."""
    plan = schedule(
        row.clock.deadline, row.clock.limit_days, calendar, escalate_after_days=escalate_after_days
    )
    return next_change(row.clock, row.color, row.fired, plan, ladder=row.part == WHOLE)


async def reschedule_all(
    conn: AsyncConnection, calendar: WorkCalendar, *, escalate_after_days: int
) -> int:
    """Recompute every stored light's next change (a calendar year loaded; a rebuild)."""
    changed = []
    for light in await light_rows.load_changing(conn):
        due = reschedule(light, calendar, escalate_after_days=escalate_after_days)
        if due != light.next_change_at:
            changed.append(replace(light, next_change_at=due))
    await light_rows.set_next_changes(conn, changed)
    return len(changed)

"""The clock tick: lights turn yellow and red, and rungs fire, while nobody touches the case.

A tick reads only the lights whose indexed `next_change_at` has come, never every open case.
The due cases of a batch are refreshed together in one transaction (`CaseBatch`: their lights
locked and read at once, the transitions appended in one statement, the rows written at once).
When that fails (a consumer or another process changed one of them meanwhile), each case goes
in its own transaction; a conflict there means the other writer published the change, and the
case is simply left to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import current_traceparent
from libs.events.runtime import Runtime
from libs.events.store import ConcurrencyError
from services.supervision.adapters.tables import lights, notifications
from services.supervision.application.case_batch import CaseBatch
from services.supervision.application.context import Supervision
from services.supervision.application.refresh_lights import refresh_lights

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Ticked:
    """What one tick did."""

    cases: int
    events: int
    notified: int


async def tick(sv: Supervision, *, now: datetime | None = None) -> Ticked:
    """Publish every light change and rung due by `now`, then send due notifications."""
    now = now or sv.clock.now()
    seen: set[str] = set()
    events = 0
    while True:
        async with sv.engine.connect() as conn:
            due = await _due_cases(conn, now, exclude=seen)
        if not due:
            break
        seen.update(due)
        events += await _refresh_many(sv, due, now)
    notified = await deliver_notifications(sv, now=now)
    return Ticked(len(seen), events, notified)


async def _due_cases(conn: AsyncConnection, now: datetime, *, exclude: set[str]) -> list[str]:
    query = (
        select(lights.c.case_id)
        .where(lights.c.next_change_at <= now)
        .order_by(lights.c.next_change_at)
        .limit(BATCH + len(exclude))
    )
    found = dict.fromkeys(r.case_id for r in await conn.execute(query))
    return [case_id for case_id in found if case_id not in exclude][:BATCH]


async def _refresh_many(sv: Supervision, due: list[str], now: datetime) -> int:
    try:
        async with sv.runtime.transaction() as conn:
            cases = await CaseBatch.load(conn, due, lock=True)
            calendar = await sv.calendars.get(conn)
            count = 0
            for case_id in due:
                trace = current_traceparent()  # each case's transitions begin a trace of their own
                count += len(cases.refresh(sv, case_id, now=now, calendar=calendar, trace=trace))
            await cases.save(conn, sv.store)
        return count
    except Exception as exc:
        log.info("%d due lights not refreshed together (%r); one by one", len(due), exc)
    return sum([await _refresh(sv, case_id, now) for case_id in due])


async def _refresh(sv: Supervision, case_id: str, now: datetime) -> int:
    try:
        async with sv.runtime.transaction() as conn:
            calendar = await sv.calendars.get(conn)
            return len(await refresh_lights(sv, conn, case_id, now=now, calendar=calendar))
    except ConcurrencyError:
        log.info("light of %s changed concurrently; the other writer published it", case_id)
    except Exception:  # one broken case must not hold up every other case's lights
        log.exception("refreshing the light of %s failed; retried next tick", case_id)
    return 0


async def deliver_notifications(sv: Supervision, *, now: datetime) -> int:
    """Send queued notifications that are due, only while staff are at work."""
    async with sv.engine.connect() as conn:
        calendar = await sv.calendars.get(conn)
        if not sv.settings.hours().contains(now, calendar):
            return 0
        t = notifications
        query = (
            select(t.c.id, t.c.recipient, t.c.message)
            .where(t.c.sent_at.is_(None), t.c.due_at <= now)
            .order_by(t.c.id)
            .limit(BATCH)
        )
        due = (await conn.execute(query)).all()
    sent: list[int] = []
    try:
        for row in due:
            await sv.notifier.send(row.recipient, row.message)
            sent.append(row.id)
    finally:  # what was sent is marked, in one statement, even when a later send fails
        if sent:
            async with sv.engine.begin() as conn:
                await conn.execute(update(t).where(t.c.id.in_(sent)).values(sent_at=now))
    return len(sent)


def ticker(sv: Supervision) -> Callable[[Runtime], Awaitable[None]]:
    """The background job: a tick every `tick_interval_seconds`."""

    async def tick_lights(_: Runtime) -> None:
        """Tick until the runtime stops."""
        while True:
            await tick(sv)
            await asyncio.sleep(sv.settings.tick_interval_seconds)

    return tick_lights

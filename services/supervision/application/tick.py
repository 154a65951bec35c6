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
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from libs.events.clock import Clock
from libs.events.envelope import current_traceparent
from libs.events.store import ConcurrencyError
from libs.events.uow import UnitOfWork
from services.supervision.adapters.notifier import Notifier
from services.supervision.application.ports import SupervisionViews
from services.supervision.config import Settings

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Ticked:
    """What one tick did."""

    cases: int
    events: int
    notified: int


class Ticking(Protocol):
    """What a tick works with (the App): the unit of work, clock, settings and notifier."""

    @property
    def uow(self) -> UnitOfWork[SupervisionViews]: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def notifier(self) -> Notifier: ...


async def tick(deps: Ticking, *, now: datetime | None = None) -> Ticked:
    """Publish every light change and rung due by `now`, then send due notifications."""
    now = now or deps.clock.now()
    seen: set[str] = set()
    events = 0
    while True:
        async with deps.uow.begin() as tx:
            due = await tx.views.due_cases(now, exclude=seen, limit=BATCH)
        if not due:
            break
        seen.update(due)
        events += await _refresh_many(deps.uow, due, now)
    notified = await deliver_notifications(deps, now=now)
    return Ticked(len(seen), events, notified)


async def _refresh_many(uow: UnitOfWork[SupervisionViews], due: list[str], now: datetime) -> int:
    try:
        async with uow.begin() as tx:
            cases = await tx.views.cases(due, lock=True)
            calendar = await tx.calendar()
            count = 0
            for case_id in due:
                trace = current_traceparent()  # each case's transitions begin a trace of their own
                count += len(cases.refresh(case_id, now=now, calendar=calendar, trace=trace))
            await tx.views.save_cases(cases)
        return count
    except Exception as exc:
        log.info("%d due lights not refreshed together (%r); one by one", len(due), exc)
    return sum([await refresh_one(uow, case_id, now) for case_id in due])


async def refresh_one(uow: UnitOfWork[SupervisionViews], case_id: str, now: datetime) -> int:
    """One case's lights in a transaction of its own; how many events it appended."""
    try:
        async with uow.begin() as tx:
            calendar = await tx.calendar()
            return len(await tx.views.refresh_lights(case_id, now=now, calendar=calendar))
    except ConcurrencyError:
        log.info("light of %s changed concurrently; the other writer published it", case_id)
    except Exception:  # one broken case must not hold up every other case's lights
        log.exception("refreshing the light of %s failed; retried next tick", case_id)
    return 0


async def deliver_notifications(deps: Ticking, *, now: datetime) -> int:
    """Send queued notifications that are due, only while staff are at work."""
    async with deps.uow.begin() as tx:
        calendar = await tx.calendar()
        if not deps.settings.hours().contains(now, calendar):
            return 0
        due = await tx.views.due_notifications(now, limit=BATCH)
    sent: list[int] = []
    try:
        for notification in due:
            await deps.notifier.send(notification.recipient, notification.message)
            sent.append(notification.id)
    finally:  # what was sent is marked, in one statement, even when a later send fails
        if sent:
            async with deps.uow.begin() as tx:
                await tx.views.mark_sent(sent, now)
    return len(sent)


async def tick_forever(deps: Ticking) -> None:
    """The background job: a tick every `tick_interval_seconds`, until cancelled."""
    while True:
        await tick(deps)
        await asyncio.sleep(deps.settings.tick_interval_seconds)

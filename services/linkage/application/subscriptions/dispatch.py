"""Per-subscription delivery workers: each drains its own queue with its own HTTP client,
concurrency and rate limit, so a slow or failing subscriber delays nobody else.

A dispatcher (a background job of the linkage process) starts a worker for every live
subscription it holds the lease of; a second linkage process takes over a subscription only
when the first stops renewing its lease, so one subscription is drained by one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.runtime import Runtime
from services.linkage.adapters.webhook_tables import deliveries, subscriptions, webhook_events
from services.linkage.application.subscriptions.deliver import attempt
from services.linkage.application.subscriptions.store import aware, signing_secrets
from services.linkage.config import Settings
from services.linkage.domain.delivery import next_up

log = logging.getLogger(__name__)
SENDING = ("active", "failing")
LEASE = timedelta(seconds=15)
QUEUE_WINDOW = 200  # queued deliveries looked at per pass


@dataclass(frozen=True)
class Queued:
    """A pending delivery as the worker reads it."""

    id: int
    subscription_id: str
    position: int
    event_id: str
    case_id: str
    attempts: int
    next_attempt_at: datetime


class SubscriptionWorker:
    """Delivers one subscription's queue: one delivery per case at a time, in order."""

    def __init__(self, subscription_id: str, *, runtime: Runtime, settings: Settings) -> None:
        self.id = subscription_id
        self.runtime = runtime
        self.settings = settings
        self.limiter = AsyncLimiter(settings.webhook_rate_per_s, 1)
        self.in_flight: dict[str, asyncio.Task[Any]] = {}  # case id -> its delivery

    async def run(self) -> None:
        """Drain the queue until cancelled."""
        timeout = httpx.Timeout(self.settings.webhook_timeout_s)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            try:
                while True:
                    sub, keys, due = await self._due()
                    for delivery, envelope in due:
                        self.in_flight[delivery.case_id] = asyncio.create_task(
                            self._send(delivery, envelope, sub, keys, client)
                        )
                    await self._wait()
            finally:
                await self.stop()  # before the client closes under them

    async def _due(self) -> tuple[Any, list[str], list[tuple[Queued, dict[str, Any]]]]:
        """The subscription, its signing keys, and the deliveries that may go now."""
        slots = self.settings.webhook_concurrency - len(self.in_flight)
        now = self.runtime.clock.now()
        async with self.runtime.engine.connect() as conn:
            sub = (
                await conn.execute(select(subscriptions).where(subscriptions.c.id == self.id))
            ).one()
            if sub.status not in SENDING or slots <= 0:
                return sub, [], []
            queued = await conn.execute(
                select(*(deliveries.c[f.name] for f in fields(Queued)))
                .where(deliveries.c.subscription_id == self.id, deliveries.c.status == "pending")
                .order_by(deliveries.c.id)
                .limit(QUEUE_WINDOW)
            )
            rows = [
                Queued(**{**r._mapping, "next_attempt_at": aware(r.next_attempt_at)})
                for r in queued
            ]
            chosen = next_up(rows, busy_cases=self.in_flight.keys(), now=now, slots=slots)
            if not chosen:
                return sub, [], []
            keys = await signing_secrets(conn, self.id, now=now)
            envelopes = await _envelopes(conn, [d.position for d in chosen])
        return sub, keys, [(d, envelopes[d.position]) for d in chosen]

    async def _send(
        self,
        delivery: Queued,
        envelope: dict[str, Any],
        sub: Any,
        keys: list[str],
        client: httpx.AsyncClient,
    ) -> None:
        try:
            async with self.limiter:
                await attempt(
                    delivery,
                    envelope,
                    sub,
                    keys,
                    runtime=self.runtime,
                    settings=self.settings,
                    client=client,
                )
        except Exception:
            log.exception("webhook delivery %s failed to be recorded; it is retried", delivery.id)
        finally:
            self.in_flight.pop(delivery.case_id, None)

    async def _wait(self) -> None:
        interval = self.settings.webhook_poll_interval_s
        if self.in_flight:
            await asyncio.wait(
                list(self.in_flight.values()),
                timeout=interval,
                return_when=asyncio.FIRST_COMPLETED,
            )
        else:
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        """Cancel what is in flight; an unrecorded attempt is simply made again later."""
        for task in list(self.in_flight.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _envelopes(conn: AsyncConnection, positions: list[int]) -> dict[int, dict[str, Any]]:
    rows = await conn.execute(
        select(webhook_events.c.position, webhook_events.c.envelope).where(
            webhook_events.c.position.in_(positions)
        )
    )
    return {r.position: r.envelope for r in rows}


def dispatcher(settings: Settings) -> Any:
    """The background job running one worker per live subscription this process leases."""

    async def run_dispatcher(runtime: Runtime) -> None:
        me = f"linkage-{uuid.uuid4().hex[:8]}"
        workers: dict[str, tuple[SubscriptionWorker, asyncio.Task[None]]] = {}
        try:
            while True:
                held = await _lease(runtime, me)
                for sub_id in held - workers.keys():
                    worker = SubscriptionWorker(sub_id, runtime=runtime, settings=settings)
                    workers[sub_id] = (worker, asyncio.create_task(worker.run()))
                for sub_id in workers.keys() - held:
                    await _stop(*workers.pop(sub_id))
                for sub_id, (_, task) in list(workers.items()):
                    if task.done():  # a worker that crashed is started again next pass
                        log.error("webhook worker %s stopped: %r", sub_id, task.exception())
                        await _stop(*workers.pop(sub_id))
                await asyncio.sleep(max(settings.webhook_poll_interval_s, 1.0))
        finally:
            for worker, task in workers.values():
                await _stop(worker, task)

    return run_dispatcher


async def _stop(worker: SubscriptionWorker, task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await worker.stop()


async def _lease(runtime: Runtime, me: str) -> set[str]:
    """Take or renew the lease of every subscription not deleted whose lease is free or ours."""
    now = runtime.clock.now()
    async with runtime.engine.begin() as conn:
        await conn.execute(
            update(subscriptions)
            .where(
                subscriptions.c.status != "deleted",
                or_(
                    subscriptions.c.lease_owner.is_(None),
                    subscriptions.c.lease_owner == me,
                    subscriptions.c.lease_until < now,
                ),
            )
            .values(lease_owner=me, lease_until=now + LEASE)
        )
        rows = await conn.execute(
            select(subscriptions.c.id).where(
                subscriptions.c.lease_owner == me, subscriptions.c.status != "deleted"
            )
        )
        return {r.id for r in rows}

"""One subscription's delivery worker: its own HTTP client, concurrency and rate limit, so a
slow or failing subscriber delays nobody else.

The worker reads its queue (the oldest pending deliveries) at most once per poll interval and
keeps it in memory between reads: a finished attempt frees its case at once, the next
deliveries go out while the attempts that finished together are recorded, in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from libs.events.clock import Clock
from libs.events.uow import SqlUnitOfWork
from services.linkage.adapters.views import SqlLinkageViews
from services.linkage.adapters.webhooks import send
from services.linkage.application.ports import SubscriptionRow
from services.linkage.application.subscriptions.deliver import outcome_row, record
from services.linkage.config import Settings
from services.linkage.domain.delivery import Outcome, Queued, next_up

log = logging.getLogger(__name__)
SENDING = ("active", "failing")
QUEUE_WINDOW = 200  # pending deliveries read per pass, oldest first
REFRESH_S = 1.0  # a busy worker still reads its subscription (a pause, a new key) this often


class SubscriptionWorker:
    """Delivers one subscription's queue: one delivery per case at a time, in order."""

    def __init__(
        self,
        subscription_id: str,
        *,
        owner: str,
        uow: SqlUnitOfWork[SqlLinkageViews],
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.id, self.owner = subscription_id, owner
        self.uow, self.clock, self.settings = uow, clock, settings
        self.limiter = AsyncLimiter(settings.webhook_rate_per_s, 1)
        self.sub: SubscriptionRow | None = None
        self.keys: list[str] = []
        self.queue: dict[int, Queued] = {}  # by id, oldest first
        self.envelopes: dict[int, dict[str, Any]] = {}  # by position, for the queue
        self.in_flight: dict[asyncio.Task[Outcome], Queued] = {}
        self.read_at = -math.inf
        self.lease_until: datetime | None = None  # as last read: nothing starts after it
        self.starved = True  # the last start left slots free: nothing more to send in memory

    async def run(self) -> None:
        """Drain the queue until cancelled."""
        loop = asyncio.get_running_loop()
        timeout = httpx.Timeout(self.settings.webhook_timeout_s)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            try:
                while True:
                    if self._read_due(loop):
                        self.read_at = loop.time()
                        await self._read()
                    self._start(client)
                    attempts = self._settle(await self._wait(loop))
                    self._start(client)
                    await self._record(attempts)
            finally:
                await self.stop()  # before the client closes under them

    async def _read(self) -> None:
        """The subscription, its signing keys and the oldest pending deliveries, as committed."""
        now = self.clock.now()
        async with self.uow.engine.connect() as conn:  # a read: nothing to commit
            views = SqlLinkageViews(conn)
            sub = await views.subscriptions.row(self.id)
            assert sub is not None
            ours = sub.lease_owner == self.owner and sub.lease_until is not None
            self.lease_until = sub.lease_until if ours else None
            leased = self.lease_until is not None and self.lease_until > now
            sending = leased and sub.status in SENDING
            rows = await views.deliveries.pending(self.id, limit=QUEUE_WINDOW) if sending else []
            keys = await views.subscriptions.signing_secrets(self.id, now=now) if rows else []
            wanted = {r.position for r in rows}
            self.envelopes = {p: e for p, e in self.envelopes.items() if p in wanted}
            missing = sorted(wanted - self.envelopes.keys())
            self.envelopes |= await views.deliveries.envelopes(missing)
        # Every finished attempt was recorded before this read (or its record failed: then
        # it goes again), so the rows read are the queue; those in flight keep their case busy.
        self.sub, self.keys, self.queue = sub, keys, {r.id: r for r in rows}

    def _next_read(self) -> float:
        """Each poll interval while the queue in memory runs short; now and then while busy."""
        interval = self.settings.webhook_poll_interval_s
        return self.read_at + (interval if self.starved else max(interval, REFRESH_S))

    def _read_due(self, loop: asyncio.AbstractEventLoop) -> bool:
        return loop.time() >= self._next_read()

    def _start(self, client: httpx.AsyncClient) -> None:
        slots = self.settings.webhook_concurrency - len(self.in_flight)
        self.starved = slots > 0
        if slots <= 0 or not self.queue:
            return
        now = self.clock.now()
        if self.lease_until is None or now >= self.lease_until:
            return  # another process may have it by now (or soon): read again first
        busy = {d.case_id for d in self.in_flight.values()}
        assert self.sub is not None
        for delivery in next_up(list(self.queue.values()), busy_cases=busy, now=now, slots=slots):
            envelope = self.envelopes.get(delivery.position)
            sending = self._send(delivery, envelope, self.sub, self.keys, client)
            task = asyncio.create_task(sending)
            self.in_flight[task] = delivery
        self.starved = len(self.in_flight) < self.settings.webhook_concurrency

    async def _send(
        self,
        delivery: Queued,
        envelope: dict[str, Any] | None,
        sub: SubscriptionRow,
        keys: list[str],
        client: httpx.AsyncClient,
    ) -> Outcome:
        """One attempt with the subscription and keys as read when it was started."""
        if envelope is None:  # pruned while a replay queued it: it fails until dead-lettered
            return Outcome(False, None, "event no longer kept (retention)", 0.0)
        async with self.limiter:
            try:
                return await send(delivery, envelope, sub, keys, client=client, clock=self.clock)
            except Exception as exc:  # a delivery that cannot be sent is retried like any other
                log.exception("webhook delivery %s could not be sent", delivery.id)
                return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500], 0.0)

    async def _wait(self, loop: asyncio.AbstractEventLoop) -> list[tuple[Queued, Outcome]]:
        """Until an attempt finishes or the next read is due; the attempts that finished."""
        left = max(0.0, self._next_read() - loop.time())
        if not self.in_flight:
            await asyncio.sleep(left)
            return []
        done, _ = await asyncio.wait(
            self.in_flight, timeout=left, return_when=asyncio.FIRST_COMPLETED
        )
        return [(self.in_flight.pop(task), task.result()) for task in done]

    def _settle(self, sent: list[tuple[Queued, Outcome]]) -> list[tuple[dict[str, Any], Outcome]]:
        """Take the finished attempts out of the queue, or put them back for their retry."""
        now = self.clock.now()
        attempts = []
        for delivery, outcome in sent:
            row = outcome_row(delivery, outcome, now=now, settings=self.settings)
            if row["b_status"] != "pending":
                self.queue.pop(delivery.id, None)
            elif delivery.id in self.queue:  # (a read meanwhile may have left it out)
                self.queue[delivery.id] = _retried(delivery, row["b_next"])
            attempts.append((row, outcome))
        return attempts

    async def _record(self, attempts: list[tuple[dict[str, Any], Outcome]]) -> None:
        if not attempts:
            return
        try:
            await record(attempts, self.id, uow=self.uow, clock=self.clock, settings=self.settings)
        except Exception:  # still pending in the table: the next read brings them back
            log.exception("webhook deliveries of %s failed to be recorded; retried", self.id)

    async def stop(self) -> None:
        """Cancel what is in flight; an unrecorded attempt is simply made again later."""
        for task in list(self.in_flight):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.in_flight.clear()


def _retried(delivery: Queued, next_at: datetime) -> Queued:
    return replace(delivery, attempts=delivery.attempts + 1, next_attempt_at=next_at)

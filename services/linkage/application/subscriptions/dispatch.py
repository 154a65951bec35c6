"""The dispatcher: a background job of the linkage process that runs one worker per live
subscription it holds the lease of.

A lease is taken when free or expired and renewed well before it runs out; a worker sends
only while its process holds the lease. So one subscription is drained by one process at a
time, and when that process dies a second linkage process takes over once the lease expires
(at once when the first stopped cleanly: it gives its leases back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError

from libs.events.runtime import Runtime
from services.linkage.adapters.webhook_tables import subscriptions
from services.linkage.application.subscriptions.worker import SubscriptionWorker
from services.linkage.config import Settings

log = logging.getLogger(__name__)


def dispatcher(settings: Settings) -> Any:
    """The background job running one worker per live subscription this process leases."""

    async def run_dispatcher(runtime: Runtime) -> None:
        me = f"linkage-{uuid.uuid4().hex[:8]}"
        renew_every = min(max(settings.webhook_poll_interval_s, 1.0), settings.webhook_lease_s / 3)
        workers: dict[str, tuple[SubscriptionWorker, asyncio.Task[None]]] = {}
        try:
            while True:
                held = await _lease(runtime, me, timedelta(seconds=settings.webhook_lease_s))
                for sub_id in held - workers.keys():
                    worker = SubscriptionWorker(
                        sub_id, owner=me, runtime=runtime, settings=settings
                    )
                    workers[sub_id] = (worker, asyncio.create_task(worker.run()))
                for sub_id in workers.keys() - held:
                    await _stop(*workers.pop(sub_id))
                for sub_id, (_, task) in list(workers.items()):
                    if task.done():  # a worker that crashed is started again next pass
                        log.error("webhook worker %s stopped: %r", sub_id, task.exception())
                        await _stop(*workers.pop(sub_id))
                await asyncio.sleep(renew_every)
        finally:
            for worker, task in workers.values():
                await _stop(worker, task)
            with contextlib.suppress(OSError, DBAPIError):
                await _release(runtime, me)

    return run_dispatcher


async def _stop(worker: SubscriptionWorker, task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await worker.stop()


async def _lease(runtime: Runtime, me: str, lease: timedelta) -> set[str]:
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
            .values(lease_owner=me, lease_until=now + lease)
        )
        rows = await conn.execute(
            select(subscriptions.c.id).where(
                subscriptions.c.lease_owner == me, subscriptions.c.status != "deleted"
            )
        )
        return {r.id for r in rows}


async def _release(runtime: Runtime, me: str) -> None:
    """Give the leases back on a clean stop, so another process need not wait them out."""
    async with runtime.engine.begin() as conn:
        await conn.execute(
            update(subscriptions)
            .where(subscriptions.c.lease_owner == me)
            .values(lease_owner=None, lease_until=None)
        )

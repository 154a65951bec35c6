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

from sqlalchemy.exc import DBAPIError

from libs.events.clock import Clock
from libs.events.uow import SqlUnitOfWork
from services.linkage.adapters.views import SqlLinkageViews
from services.linkage.adapters.worker import SubscriptionWorker
from services.linkage.config import Settings

log = logging.getLogger(__name__)


async def run_dispatcher(
    *, uow: SqlUnitOfWork[SqlLinkageViews], clock: Clock, settings: Settings
) -> None:
    """Run one worker per live subscription this process leases, until cancelled."""
    me = f"linkage-{uuid.uuid4().hex[:8]}"
    renew_every = min(max(settings.webhook_poll_interval_s, 1.0), settings.webhook_lease_s / 3)
    workers: dict[str, tuple[SubscriptionWorker, asyncio.Task[None]]] = {}
    try:
        while True:
            held = await _lease(uow, clock, me, timedelta(seconds=settings.webhook_lease_s))
            for sub_id in held - workers.keys():
                worker = SubscriptionWorker(
                    sub_id, owner=me, uow=uow, clock=clock, settings=settings
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
            await _release(uow, me)


async def _stop(worker: SubscriptionWorker, task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await worker.stop()


async def _lease(
    uow: SqlUnitOfWork[SqlLinkageViews], clock: Clock, me: str, lease: timedelta
) -> set[str]:
    """Take or renew the lease of every subscription not deleted whose lease is free or ours."""
    now = clock.now()
    async with uow.engine.begin() as conn:
        return await SqlLinkageViews(conn).subscriptions.lease(me, now=now, until=now + lease)


async def _release(uow: SqlUnitOfWork[SqlLinkageViews], me: str) -> None:
    """Give the leases back on a clean stop, so another process need not wait them out."""
    async with uow.engine.begin() as conn:
        await SqlLinkageViews(conn).subscriptions.release(me)

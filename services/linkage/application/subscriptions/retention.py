"""Retention of what webhooks keep: settled deliveries (delivered, or dead-lettered) and kept
case events are deleted once older than `WEBHOOK_RETENTION_DAYS`. A pending delivery is never
deleted, and neither is an event a remaining delivery refers to, so the delivery log and the
queue always find their event; a replay reaches back as far as the retention."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from libs.events.clock import Clock
from libs.events.uow import UnitOfWork
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.application.ports import DeliveryViewsPort, LinkageViews

PRUNE_CHUNK = 1000  # rows deleted per transaction, so pruning never holds locks for long
Prune = Callable[[DeliveryViewsPort, datetime], Awaitable[int]]


async def prune(
    *, uow: UnitOfWork[LinkageViews], retention: timedelta, now: datetime
) -> dict[str, int]:
    """Delete what is older than `retention` at `now`; how many deliveries and events went."""
    cutoff = now - retention
    removed = {
        "deliveries": await _in_chunks(uow, cutoff, _deliveries),
        "events": await _in_chunks(uow, cutoff, _events),
    }
    for what, count in removed.items():
        metrics.PRUNED.labels(what=what).inc(count)
    return removed


async def _deliveries(views: DeliveryViewsPort, cutoff: datetime) -> int:
    return await views.prune_deliveries(cutoff=cutoff, chunk=PRUNE_CHUNK)


async def _events(views: DeliveryViewsPort, cutoff: datetime) -> int:
    return await views.prune_events(cutoff=cutoff, chunk=PRUNE_CHUNK)


async def _in_chunks(uow: UnitOfWork[LinkageViews], cutoff: datetime, chunk: Prune) -> int:
    total = 0
    while True:
        async with uow.begin() as tx:
            deleted = await chunk(tx.views.deliveries, cutoff)
        total += deleted
        if deleted < PRUNE_CHUNK:
            return total


async def prune_forever(
    *, uow: UnitOfWork[LinkageViews], clock: Clock, retention: timedelta, every_s: float
) -> None:
    """Prune every `every_s` seconds until cancelled."""
    while True:
        await prune(uow=uow, retention=retention, now=clock.now())
        await asyncio.sleep(every_s)

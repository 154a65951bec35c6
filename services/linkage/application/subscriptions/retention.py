"""Retention of what webhooks keep: settled deliveries (delivered, or dead-lettered) and kept
case events are deleted once older than `WEBHOOK_RETENTION_DAYS`. A pending delivery is never
deleted, and neither is an event a remaining delivery refers to, so the delivery log and the
queue always find their event; a replay reaches back as far as the retention."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, or_, select

from libs.events.runtime import Runtime
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.adapters.webhook_tables import deliveries, webhook_events
from services.linkage.config import Settings

PRUNE_CHUNK = 1000  # rows deleted per transaction, so pruning never holds locks for long


async def prune(runtime: Runtime, *, retention: timedelta, now: datetime) -> dict[str, int]:
    """Delete what is older than `retention` at `now`; how many deliveries and events went."""
    cutoff, d, e = now - retention, deliveries.c, webhook_events.c
    settled = or_(
        and_(d.status == "delivered", d.delivered_at < cutoff),
        and_(d.status == "dead", d.created_at < cutoff),
    )
    referred = select(d.id).where(d.position == e.position).exists()
    removed = {
        "deliveries": await _in_chunks(runtime, deliveries, d.id, settled),
        "events": await _in_chunks(
            runtime, webhook_events, e.position, and_(e.time < cutoff, ~referred)
        ),
    }
    for what, count in removed.items():
        metrics.PRUNED.labels(what=what).inc(count)
    return removed


async def _in_chunks(
    runtime: Runtime, table: Table, key: ColumnElement[Any], where: ColumnElement[bool]
) -> int:
    total = 0
    while True:
        async with runtime.engine.begin() as conn:
            chunk = select(key).where(where).limit(PRUNE_CHUNK).scalar_subquery()
            deleted = int((await conn.execute(delete(table).where(key.in_(chunk)))).rowcount)
        total += deleted
        if deleted < PRUNE_CHUNK:
            return total


def pruner(settings: Settings) -> Callable[[Runtime], Awaitable[None]]:
    """The background job pruning every `WEBHOOK_PRUNE_INTERVAL_S`."""
    retention = timedelta(days=settings.webhook_retention_days)

    async def prune_webhooks(runtime: Runtime) -> None:
        while True:
            await prune(runtime, retention=retention, now=runtime.clock.now())
            await asyncio.sleep(settings.webhook_prune_interval_s)

    return prune_webhooks

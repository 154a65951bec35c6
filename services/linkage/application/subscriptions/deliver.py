"""One delivery attempt: render, sign, POST, then record the outcome and the subscription's
health (`subscription.failing`, the automatic pause, the recovery) in one transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.runtime import Runtime
from libs.events.store import ConcurrencyError
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.adapters.webhook_tables import deliveries, subscriptions
from services.linkage.adapters.webhooks import Outcome, post, render, sign
from services.linkage.application.subscriptions.store import (
    aware,
    load_subscription,
    save_subscription,
)
from services.linkage.config import Settings
from services.linkage.domain.delivery import backoff_s


async def attempt(
    delivery: Any,
    envelope: dict[str, Any],
    sub: Any,
    keys: list[str],
    *,
    runtime: Runtime,
    settings: Settings,
    client: httpx.AsyncClient,
) -> Outcome:
    """Send one queued delivery to the subscription's callback and record what happened."""
    body = render(envelope, personal_data="personal_data" in sub.scopes)
    headers = sign(delivery.event_id, body, keys, at=runtime.clock.now())
    outcome = await post(client, sub.callback_url, body, headers)
    for _ in range(3):  # a PATCH may move the subscription's stream meanwhile: read it again
        try:
            async with runtime.transaction() as conn:
                await _record(conn, delivery, sub, outcome, runtime=runtime, settings=settings)
            break
        except ConcurrencyError:
            continue
    return outcome


async def _record(
    conn: AsyncConnection,
    delivery: Any,
    sub: Any,
    outcome: Outcome,
    *,
    runtime: Runtime,
    settings: Settings,
) -> None:
    now = runtime.clock.now()
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error or None,
        "latency_ms": round(outcome.latency_ms, 1),
    }
    if outcome.delivered:
        values |= {"status": "delivered", "delivered_at": now}
    elif attempts >= settings.webhook_max_attempts:
        values |= {"status": "dead"}
    else:
        wait = backoff_s(
            attempts, base=settings.webhook_backoff_base_s, cap=settings.webhook_backoff_max_s
        )
        values |= {"next_attempt_at": now + timedelta(seconds=wait)}
    await conn.execute(update(deliveries).where(deliveries.c.id == delivery.id).values(**values))
    label = "delivered" if outcome.delivered else values.get("status", "failed")
    metrics.record_attempt("failed" if label == "pending" else label, outcome.latency_ms / 1000)
    if outcome.delivered:
        await _succeeded(conn, sub, runtime=runtime)
    else:
        await _failed(conn, sub.id, outcome, runtime=runtime, settings=settings)


async def _succeeded(conn: AsyncConnection, sub: Any, *, runtime: Runtime) -> None:
    """The failure streak ends; a failing subscription has recovered."""
    now = runtime.clock.now()
    streak = {"failures": 0, "first_failure_at": None, "last_success_at": now}
    await conn.execute(update(subscriptions).where(subscriptions.c.id == sub.id).values(**streak))
    if sub.status == "failing":
        state = await load_subscription(runtime.store, conn, sub.id)
        await save_subscription(runtime.store, conn, state, state.after_success(now=now), now=now)


async def _failed(
    conn: AsyncConnection,
    subscription_id: str,
    outcome: Outcome,
    *,
    runtime: Runtime,
    settings: Settings,
) -> None:
    """Lengthen the failure streak; raise `subscription.failing` or pause when it says so."""
    now = runtime.clock.now()
    row = (
        await conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id))
    ).one()
    first = aware(row.first_failure_at) if row.first_failure_at else now
    streak = {"failures": row.failures + 1, "first_failure_at": first}
    await conn.execute(update(subscriptions).where(subscriptions.c.id == row.id).values(**streak))
    if row.status not in ("active", "failing"):
        return
    state = await load_subscription(runtime.store, conn, row.id)
    new = state.after_failure(
        first_failure=first,
        failures=row.failures + 1,
        error=outcome.error,
        now=now,
        failing_after=timedelta(seconds=settings.webhook_failing_after_s),
        pause_after=timedelta(seconds=settings.webhook_pause_after_s),
    )
    await save_subscription(runtime.store, conn, state, new, now=now)

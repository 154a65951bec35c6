"""Delivery attempts: render, sign and POST one; then record the outcomes of a batch and the
subscription's health (`subscription.failing`, the automatic pause, the recovery) in one
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import Clock
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

# A run of successes refreshes `last_success_at` this often, not once per delivery.
SUCCESS_STAMP = timedelta(seconds=1)


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


async def send(
    delivery: Queued,
    envelope: dict[str, Any],
    sub: Any,
    keys: list[str],
    *,
    client: httpx.AsyncClient,
    clock: Clock,
) -> Outcome:
    """POST one delivery to the subscription's callback, signed with every valid key."""
    body = render(envelope, personal_data="personal_data" in sub.scopes)
    headers = sign(delivery.event_id, body, keys, at=clock.now())
    return await post(client, sub.callback_url, body, headers)


async def record(
    attempts: Sequence[tuple[dict[str, Any], Outcome]],
    subscription_id: str,
    *,
    runtime: Runtime,
    settings: Settings,
) -> None:
    """Record a batch of attempts (their `outcome_row`s) and the subscription's health."""
    rows = [row for row, _ in attempts]
    for tries_left in (2, 1, 0):  # a PATCH may move the subscription's stream: read it again
        try:
            async with runtime.transaction() as conn:
                await conn.execute(_UPDATE, rows)
                outcomes = [o for _, o in attempts]
                await _health(conn, subscription_id, outcomes, runtime, settings)
            break
        except ConcurrencyError:
            if not tries_left:
                raise
    for row, outcome in attempts:
        label = "failed" if row["b_status"] == "pending" else row["b_status"]
        metrics.record_attempt(label, outcome.latency_ms / 1000)


_UPDATE = (
    update(deliveries)
    .where(deliveries.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        last_status=bindparam("b_last_status"),
        last_error=bindparam("b_last_error"),
        latency_ms=bindparam("b_latency_ms"),
        next_attempt_at=bindparam("b_next"),
        delivered_at=bindparam("b_delivered_at"),
    )
)


def outcome_row(
    delivery: Queued, outcome: Outcome, *, now: datetime, settings: Settings
) -> dict[str, Any]:
    """What one attempt leaves of its delivery: delivered, dead, or pending until `b_next`."""
    attempts = delivery.attempts + 1
    status, next_at = "pending", delivery.next_attempt_at
    if outcome.delivered:
        status = "delivered"
    elif attempts >= settings.webhook_max_attempts:
        status = "dead"
    else:
        wait = backoff_s(
            attempts, base=settings.webhook_backoff_base_s, cap=settings.webhook_backoff_max_s
        )
        next_at = now + timedelta(seconds=wait)
    return {
        "b_id": delivery.id,
        "b_status": status,
        "b_attempts": attempts,
        "b_last_status": outcome.status,
        "b_last_error": outcome.error or None,
        "b_latency_ms": round(outcome.latency_ms, 1),
        "b_next": next_at,
        "b_delivered_at": now if outcome.delivered else None,
    }


async def _health(
    conn: AsyncConnection,
    subscription_id: str,
    outcomes: list[Outcome],
    runtime: Runtime,
    settings: Settings,
) -> None:
    failed = [o for o in outcomes if not o.delivered]
    if len(failed) < len(outcomes):
        await _succeeded(conn, subscription_id, runtime=runtime)
    if failed:
        await _failed(conn, subscription_id, failed, runtime=runtime, settings=settings)


async def _succeeded(conn: AsyncConnection, subscription_id: str, *, runtime: Runtime) -> None:
    """The failure streak ends; a failing subscription has recovered. The row is written only
    when that changes something (or its last success is a second old), so a run of successes
    does not queue up on the subscription's row."""
    now = runtime.clock.now()
    t = subscriptions.c
    status = (
        await conn.execute(
            update(subscriptions)
            .where(
                t.id == subscription_id,
                or_(
                    t.failures > 0,
                    t.status == "failing",
                    t.last_success_at.is_(None),
                    t.last_success_at < now - SUCCESS_STAMP,
                ),
            )
            .values(failures=0, first_failure_at=None, last_success_at=now)
            .returning(t.status)
        )
    ).scalar()
    if status == "failing":
        state = await load_subscription(runtime.store, conn, subscription_id)
        await save_subscription(runtime.store, conn, state, state.after_success(now=now), now=now)


async def _failed(
    conn: AsyncConnection,
    subscription_id: str,
    failed: list[Outcome],
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
    streak = {"failures": row.failures + len(failed), "first_failure_at": first}
    await conn.execute(update(subscriptions).where(subscriptions.c.id == row.id).values(**streak))
    if row.status not in ("active", "failing"):
        return
    state = await load_subscription(runtime.store, conn, row.id)
    new = state.after_failure(
        first_failure=first,
        failures=streak["failures"],
        error=failed[-1].error,
        now=now,
        failing_after=timedelta(seconds=settings.webhook_failing_after_s),
        pause_after=timedelta(seconds=settings.webhook_pause_after_s),
    )
    await save_subscription(runtime.store, conn, state, new, now=now)

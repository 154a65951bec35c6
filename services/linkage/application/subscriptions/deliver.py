"""Delivery attempts: what one leaves of its delivery; then the outcomes of a batch and the
subscription's health (`subscription.failing`, the automatic pause, the recovery) in one
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from libs.events.clock import Clock
from libs.events.store import ConcurrencyError
from libs.events.uow import Transaction, UnitOfWork
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.application.ports import LinkageViews
from services.linkage.application.subscriptions.common import load, save
from services.linkage.config import Settings
from services.linkage.domain.delivery import Outcome, Queued, backoff_s

# A run of successes refreshes `last_success_at` this often, not once per delivery.
SUCCESS_STAMP = timedelta(seconds=1)
Attempt = tuple[dict[str, Any], Outcome]


async def record(
    attempts: Sequence[Attempt],
    subscription_id: str,
    *,
    uow: UnitOfWork[LinkageViews],
    clock: Clock,
    settings: Settings,
) -> None:
    """Record a batch of attempts (their `outcome_row`s) and the subscription's health."""
    rows = [row for row, _ in attempts]
    for tries_left in (2, 1, 0):  # a PATCH may move the subscription's stream: read it again
        try:
            async with uow.begin() as tx:
                await tx.views.deliveries.record_outcomes(rows)
                outcomes = [o for _, o in attempts]
                await _health(tx, subscription_id, outcomes, clock=clock, settings=settings)
            break
        except ConcurrencyError:
            if not tries_left:
                raise
    for row, outcome in attempts:
        label = "failed" if row["b_status"] == "pending" else row["b_status"]
        metrics.record_attempt(label, outcome.latency_ms / 1000)


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
    tx: Transaction[LinkageViews],
    subscription_id: str,
    outcomes: list[Outcome],
    *,
    clock: Clock,
    settings: Settings,
) -> None:
    failed = [o for o in outcomes if not o.delivered]
    now = clock.now()
    if len(failed) < len(outcomes):
        await _succeeded(tx, subscription_id, now=now)
    if failed:
        await _failed(tx, subscription_id, failed, now=now, settings=settings)


async def _succeeded(tx: Transaction[LinkageViews], subscription_id: str, *, now: datetime) -> None:
    """The failure streak ends; a failing subscription has recovered."""
    status = await tx.views.subscriptions.succeeded(
        subscription_id, now=now, stamp_before=now - SUCCESS_STAMP
    )
    if status == "failing":
        sub = await load(tx, subscription_id)
        await save(tx, sub, sub.after_success(now=now), now=now)


async def _failed(
    tx: Transaction[LinkageViews],
    subscription_id: str,
    failed: list[Outcome],
    *,
    now: datetime,
    settings: Settings,
) -> None:
    """Lengthen the failure streak; raise `subscription.failing` or pause when it says so."""
    row = await tx.views.subscriptions.lengthen_streak(subscription_id, len(failed), now=now)
    if row.status not in ("active", "failing"):
        return
    sub = await load(tx, subscription_id)
    new = sub.after_failure(
        first_failure=row.first_failure_at or now,
        failures=row.failures,
        error=failed[-1].error,
        now=now,
        failing_after=timedelta(seconds=settings.webhook_failing_after_s),
        pause_after=timedelta(seconds=settings.webhook_pause_after_s),
    )
    await save(tx, sub, new, now=now)

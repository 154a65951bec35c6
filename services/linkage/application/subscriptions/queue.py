"""Keep every case event for replay and queue a delivery for each subscription it matches.

It runs in the consumer's transaction, so an event is kept and fanned out exactly once in
effect; it never calls a subscriber: the per-subscription workers do, from the queue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import subscriptions as i
from libs.events.envelope import Envelope
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.adapters.webhook_tables import deliveries, subscriptions, webhook_events
from services.linkage.domain.subscriptions import EventFacts, matches


async def keep_and_queue(conn: AsyncConnection, env: Envelope) -> None:
    """Keep the event, then queue it for every live subscription whose filters it passes."""
    facts = await _facts(conn, env)
    row = {
        "event_id": env.id,
        "case_id": env.subject,
        "type": env.type,
        "center": facts.center,
        "department": facts.department,
        "item": facts.item,
        "time": env.time,
        "envelope": env.model_dump(mode="json"),
    }
    position = (
        await conn.execute(insert(webhook_events).returning(webhook_events.c.position), [row])
    ).scalar_one()
    live = await conn.execute(
        select(subscriptions.c.id, subscriptions.c.filters).where(
            subscriptions.c.status != "deleted"
        )
    )
    targets = [
        r.id for r in live if matches(i.SubscriptionFilters.model_validate(r.filters), facts)
    ]
    if targets:
        await conn.execute(
            insert(deliveries),
            [delivery_row(t, position, row, cause="event") for t in targets],
        )
        metrics.QUEUED.labels(cause="event").inc(len(targets))


def delivery_row(subscription_id: str, position: int, event: Any, *, cause: str) -> dict[str, Any]:
    """A pending delivery of one kept event to one subscription, due now."""
    now = datetime.now(UTC)
    return {
        "subscription_id": subscription_id,
        "position": position,
        "event_id": event["event_id"],
        "event_type": event["type"],
        "case_id": event["case_id"],
        "cause": cause,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def _facts(conn: AsyncConnection, env: Envelope) -> EventFacts:
    """Type and center of the event; department and item from it or from the case's earlier
    events (a review or a suspension does not repeat them)."""
    department = str(env.data.get("department") or "")
    item = str(env.data.get("item_code") or "")
    if not (department and item):
        earlier = (
            await conn.execute(
                select(webhook_events.c.department, webhook_events.c.item)
                .where(webhook_events.c.case_id == env.subject, webhook_events.c.item != "")
                .order_by(webhook_events.c.position)
                .limit(1)
            )
        ).first()
        if earlier is not None:
            department, item = department or earlier.department, item or earlier.item
    center = env.center or str(env.data.get("center") or "")
    return EventFacts(type=env.type, center=center, department=department, item=item)

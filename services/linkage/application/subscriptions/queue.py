"""Keep every case event for replay and queue a delivery for each subscription it matches.

It runs in the consumer's transaction, so an event is kept and fanned out exactly once in
effect; it never calls a subscriber: the per-subscription workers do, from the queue.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.application.ports import LinkageViews
from services.linkage.domain.subscriptions import EventFacts, matches


async def when_case_event_queue_deliveries(
    tx: Transaction[LinkageViews], env: Envelope, _: Event
) -> None:
    """Keep the event, then queue it for every live subscription whose filters it passes."""
    facts = await _facts(tx.views, env)
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
    position = await tx.views.deliveries.keep(row)
    live = await tx.views.subscriptions.live_filters()
    targets = [sub_id for sub_id, filters in live if matches(filters, facts)]
    if targets:
        await tx.views.deliveries.queue(
            [delivery_row(t, position, row, cause="event") for t in targets]
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


async def _facts(views: LinkageViews, env: Envelope) -> EventFacts:
    """Type and center of the event; department and item from it or from the case's earlier
    events (a review or a suspension does not repeat them)."""
    department = str(env.data.get("department") or "")
    item = str(env.data.get("item_code") or "")
    if not (department and item):
        earlier = await views.deliveries.earlier_facts(env.subject)
        if earlier is not None:
            department, item = department or earlier[0], item or earlier[1]
    center = env.center or str(env.data.get("center") or "")
    return EventFacts(type=env.type, center=center, department=department, item=item)

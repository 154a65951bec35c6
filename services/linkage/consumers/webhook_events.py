"""Case events, as the integrators' webhook subscriptions receive them."""

from __future__ import annotations

from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.application.ports import LinkageViews
from services.linkage.application.subscriptions import queue


async def when_case_event_queue_deliveries(
    tx: Transaction[LinkageViews], env: Envelope, event: Event
) -> None:
    """Keep the event for replay and queue it for the subscriptions it matches."""
    await queue.when_case_event_queue_deliveries(tx, env, event)

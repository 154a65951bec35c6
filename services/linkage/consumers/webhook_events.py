"""Case events, as the integrators' webhook subscriptions receive them."""

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.linkage.application.subscriptions.queue import keep_and_queue


async def when_case_event_queue_deliveries(conn: AsyncConnection, env: Envelope, _: Event) -> None:
    """Keep the event for replay and queue it for the subscriptions it matches."""
    await keep_and_queue(conn, env)

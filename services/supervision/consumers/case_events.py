"""Case events from every center, handed to the supervision use case that applies them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.consumer import Handler
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.supervision.application.context import Supervision
from services.supervision.application.supervise_case_event import supervise_case_event


def case_events_handler(sv: Supervision) -> Handler:
    """The `case-events` handler bound to this service's context."""

    async def when_case_event_supervise(
        conn: AsyncConnection, envelope: Envelope, event: Event
    ) -> None:
        """Apply one case event in the consumer's transaction."""
        await supervise_case_event(sv, conn, envelope, event)

    return when_case_event_supervise

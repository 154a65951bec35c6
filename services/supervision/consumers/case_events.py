"""Case events from every center, handed to the supervision use case that applies them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.applier import Batched
from libs.events.consumer import BatchHandler, Handler
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.supervision.application.context import Supervision
from services.supervision.application.supervise_batch import supervise_batch
from services.supervision.application.supervise_case_event import supervise_case_event


def case_events_handler(sv: Supervision) -> Handler:
    """The `case-events` handler bound to this service's context."""

    async def when_case_event_supervise(
        conn: AsyncConnection, envelope: Envelope, event: Event
    ) -> None:
        """Apply one case event in the consumer's transaction."""
        await supervise_case_event(sv, conn, envelope, event)

    return when_case_event_supervise


def case_events_batch_handler(sv: Supervision) -> BatchHandler:
    """The same, for a poll's events at once (the cases folded in memory, written once)."""

    async def when_case_events_supervise(conn: AsyncConnection, batch: Sequence[Batched]) -> None:
        """Apply a poll's case events in the consumer's transaction."""
        await supervise_batch(sv, conn, batch)

    return when_case_events_supervise

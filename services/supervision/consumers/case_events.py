"""Case events from every center, handed to the supervision use case that applies them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from libs.events.applier import Batched
from libs.events.clock import Clock
from libs.events.envelope import Envelope
from libs.events.kafka import CASE_EVENTS
from libs.events.registry import Event
from libs.events.runtime import Subscription
from libs.events.uow import SqlUnitOfWork, Transaction
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.supervise_batch import supervise_batch
from services.supervision.application.supervise_case_event import supervise_case_event
from services.supervision.config import Settings


class Supervising(Protocol):
    """What the consumer applies events with (the App)."""

    @property
    def clock(self) -> Clock: ...
    @property
    def settings(self) -> Settings: ...


def case_events(app: Supervising, uow: SqlUnitOfWork[SupervisionViews]) -> Subscription:
    """The `case-events` subscription: each record, or a poll at once, in the consumer's
    transaction (its positions are recorded in the same one)."""

    async def when_case_event_supervise(
        tx: Transaction[SupervisionViews], envelope: Envelope, event: Event
    ) -> None:
        """Apply one case event."""
        await supervise_case_event(tx, envelope, event, clock=app.clock, settings=app.settings)

    async def when_case_events_supervise(
        tx: Transaction[SupervisionViews], batch: Sequence[Batched]
    ) -> None:
        """Apply a poll's case events (the cases folded in memory, written once)."""
        await supervise_batch(tx, batch, clock=app.clock, settings=app.settings)

    return Subscription(
        "cases",
        [CASE_EVENTS],
        uow.handler(when_case_event_supervise),
        uow.batch_handler(when_case_events_supervise),
    )

"""The consumer of `case-events`: other services' events on intake's cases, each applied in
the consumer's own transaction (which records the stream's position: exactly once)."""

from __future__ import annotations

from libs.events.applier import Handler
from libs.events.clock import Clock
from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import SqlUnitOfWork
from services.intake.application.common import IntakeTransaction
from services.intake.application.follow_case import when_case_event_elsewhere_track_case
from services.intake.application.ports import IntakeViews


class Tracking:
    """Hands each consumed record to the application's handler, with intake's own source
    (its own events are applied already) and clock."""

    def __init__(self, *, own_source: str, clock: Clock) -> None:
        self.own_source = own_source
        self.clock = clock

    async def __call__(self, tx: IntakeTransaction, envelope: Envelope, event: Event) -> None:
        """Track another service's event on one of intake's cases."""
        await when_case_event_elsewhere_track_case(
            tx, envelope, event, own_source=self.own_source, clock=self.clock
        )


def tracking(uow: SqlUnitOfWork[IntakeViews], *, own_source: str, clock: Clock) -> Handler:
    """The handler for `case-events`, over the consumer's transaction."""
    return uow.handler(Tracking(own_source=own_source, clock=clock))

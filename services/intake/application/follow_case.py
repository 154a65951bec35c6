"""What other services report about intake's cases: decisions, withdrawals, the clock's facts.

The consumer of `case-events` calls this in its own transaction, which records the stream's
position too: each record is applied exactly once."""

from __future__ import annotations

from libs.events import contract as s
from libs.events.clock import Clock
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.intake.application.common import IntakeTransaction
from services.intake.application.withdraw_case import when_withdrawal_refused_reaccept


async def when_case_event_elsewhere_track_case(
    tx: IntakeTransaction, envelope: Envelope, event: Event, *, own_source: str, clock: Clock
) -> None:
    """Record another service's event on one of our cases; decisions close it (intake's own
    events are applied already, so skipped; another center's case is not ours)."""
    if envelope.source == own_source or not isinstance(event, s.CaseEvent):
        return
    if not await tx.views.apply_reported(event, tx.calendar):
        return
    await tx.views.record_reported(envelope, event)
    if isinstance(event, s.CaseWithdrawalRefused):
        await when_withdrawal_refused_reaccept(tx, event, now=clock.now())

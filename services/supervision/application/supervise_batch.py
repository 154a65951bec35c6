"""A poll of case events arrives: the same effect as `supervise_case_event` for each in turn,
with the cases folded in memory and written once (`cases`, then `save_cases`).

A calendar year or a project event is applied on its own, between the runs before and after
it, as the one-event path does it: a year derives every open clock again.
"""

from __future__ import annotations

from collections.abc import Sequence

from libs.events import contract as s
from libs.events.applier import Batched, span_of
from libs.events.clock import Clock
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import current_traceparent
from libs.events.uow import Transaction
from services.supervision.application.detect_anomalies import detect_anomalies
from services.supervision.application.ports import Received, SupervisionViews
from services.supervision.application.supervise_case_event import supervise_case_event
from services.supervision.config import Settings
from services.supervision.domain.timeline import describe


async def supervise_batch(
    tx: Transaction[SupervisionViews],
    batch: Sequence[Batched],
    *,
    clock: Clock,
    settings: Settings,
) -> None:
    """Apply a poll's events in the consumer's transaction, in their order."""
    run: list[Batched] = []
    for item in batch:
        if isinstance(item.event, s.CalendarYearLoaded | ProjectEvent):
            await _fold(tx, run, clock=clock, settings=settings)
            run = []
            with span_of(item.envelope):
                await supervise_case_event(
                    tx, item.envelope, item.event, clock=clock, settings=settings
                )
        else:
            run.append(item)
    await _fold(tx, run, clock=clock, settings=settings)


async def _fold(
    tx: Transaction[SupervisionViews], run: list[Batched], *, clock: Clock, settings: Settings
) -> None:
    if not run:
        return
    now = clock.now()
    await tx.views.record_inbox([item.envelope for item in run], now)
    case_ids = [item.event.case_id for item in run if isinstance(item.event, s.CaseEvent)]
    # The cases' lights are locked before the calendar is read (see supervise_case_event).
    cases = await tx.views.cases(case_ids, lock=True)
    calendar = await tx.calendar()
    histories = await tx.views.histories(case_ids)
    for item in run:
        envelope, event = item.envelope, item.event
        with span_of(envelope):
            received = Received(
                envelope.type, envelope.center, envelope.sequence, envelope.time, now
            )
            happened = cases.project(received, event, calendar)
            if happened is None or not isinstance(event, s.CaseEvent):
                continue
            history = histories[event.case_id]
            await detect_anomalies(tx, settings, history, happened, now=now, calendar=calendar)
            if describe(event) is not None:
                history.append(happened)  # the ledger as the case's next event reads it
            trace = current_traceparent()
            cases.refresh(event.case_id, now=now, calendar=calendar, trace=trace)
    await tx.views.save_cases(cases)

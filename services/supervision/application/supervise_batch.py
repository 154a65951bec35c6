"""A poll of case events arrives: the same effect as `supervise_case_event` for each in turn,
with the cases folded in memory and written once (`CaseBatch`).

A calendar year or a project event is applied on its own, between the runs before and after
it, as the one-event path does it: a year derives every open clock again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.applier import Batched, span_of
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import current_traceparent
from services.supervision.adapters import inbox
from services.supervision.adapters.ledger_rows import read_history
from services.supervision.application.case_batch import CaseBatch
from services.supervision.application.context import Supervision
from services.supervision.application.detect_anomalies import detect_anomalies
from services.supervision.application.project_case import Received
from services.supervision.application.supervise_case_event import supervise_case_event
from services.supervision.domain.timeline import describe


async def supervise_batch(sv: Supervision, conn: AsyncConnection, batch: Sequence[Batched]) -> None:
    """Apply a poll's events in the consumer's transaction, in their order."""
    run: list[Batched] = []
    for item in batch:
        if isinstance(item.event, s.CalendarYearLoaded | ProjectEvent):
            await _fold(sv, conn, run)
            run = []
            with span_of(item.envelope):
                await supervise_case_event(sv, conn, item.envelope, item.event)
        else:
            run.append(item)
    await _fold(sv, conn, run)


async def _fold(sv: Supervision, conn: AsyncConnection, run: list[Batched]) -> None:
    if not run:
        return
    now = sv.clock.now()
    await inbox.record_many(conn, [item.envelope for item in run], now)
    case_ids = [item.event.case_id for item in run if isinstance(item.event, s.CaseEvent)]
    # The cases' lights are locked before the calendar is read (see supervise_case_event).
    cases = await CaseBatch.load(conn, case_ids, lock=True)
    calendar = await sv.calendars.get(conn)
    histories = await read_history(conn, case_ids)
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
            await detect_anomalies(sv, conn, history, happened, now=now, calendar=calendar)
            if describe(event) is not None:
                history.append(happened)  # the ledger as the case's next event reads it
            trace = current_traceparent()
            cases.refresh(sv, event.case_id, now=now, calendar=calendar, trace=trace)
    await cases.save(conn, sv.store)

"""A poll folded in memory (`supervise_batch`) and a batched tick leave exactly what the
one-event path and the one-case tick leave: the same projection, light and anomaly events,
notifications.

Fails when the batch path drops or reorders an effect: a light change, a rung, a ledger entry,
an anomaly, a fact of the case row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.applier import Batched
from libs.events.clock import FixedClock
from libs.events.contract import CaseEvent
from libs.events.db import migrate, outbox
from libs.events.envelope import Envelope, source_of, to_message
from libs.events.uow import SqlTransaction, SqlUnitOfWork
from services.supervision.adapters.rebuild import snapshot
from services.supervision.adapters.tables import notifications
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.supervise_batch import supervise_batch
from services.supervision.application.supervise_case_event import supervise_case_event
from services.supervision.application.tick import (
    BATCH,
    deliver_notifications,
    refresh_one,
    tick,
)
from services.supervision.bootstrap import MIGRATIONS, App, bootstrap
from services.supervision.config import Settings
from tests.unit.supervision.given import (
    accepted,
    bj,
    decided,
    joint_started,
    notice,
    resumed,
    submitted,
    supplemented,
    suspended,
)

pytestmark = pytest.mark.integration
T = bj(2026, 9, 16, 10)


def case_events() -> list[CaseEvent]:
    """Cases of every shape, interleaved: pauses, joint parts, anomalies, completion."""
    first = accepted("c1", T, 10)
    pause = suspended("c1", bj(2026, 9, 21, 15))
    return [
        submitted("c1", bj(2026, 9, 16, 9), missing=("LAY",)),
        accepted("c2", T, 3, center="350521"),
        supplemented("c1", ("LAY",)),
        submitted("c4", T),
        first,
        joint_started("c2", T, {"GH": 3, "ZJ": 10}, center="350521"),
        pause,
        submitted("c3", T, missing=("LAY",)),
        accepted("c4", T, 5),
        notice("c3", ("LIC",), 2),
        resumed("c1", bj(2026, 9, 23, 11), since=pause.suspended_at, before=first),
        submitted("c5", T),
        decided("c4", bj(2026, 9, 18, 16)),
        decided("c5", bj(2026, 9, 18, 16), department="GTJ"),
    ]


def envelopes(events: list[CaseEvent]) -> list[Batched]:
    sequences: dict[str, int] = {}
    batch = []
    for event in events:
        sequences[event.case_id] = sequences.get(event.case_id, 0) + 1
        envelope = Envelope(
            type=event.TYPE,
            source=source_of(event.center, "intake"),
            subject=event.case_id,
            time=T,
            center=event.center,
            sequence=sequences[event.case_id],
            data=event.model_dump(mode="json"),
        )
        batch.append(Batched(envelope, event))
    return batch


@pytest.fixture
async def two(databases) -> AsyncIterator[tuple[App, App]]:  # type: ignore[no-untyped-def]
    pair = []
    for label in ("one", "batch"):
        url = await databases.create(f"sv_{label}")
        sv = bootstrap(Settings(database_url=url, tick_interval_seconds=3600), clock=FixedClock(T))
        await migrate(sv.runtime.engine, [MIGRATIONS])
        pair.append(sv)
    yield pair[0], pair[1]
    for sv in pair:
        await sv.runtime.engine.dispose()


async def state(sv: App) -> dict[str, Any]:
    """The projection, the service's own events (without ids and instants of recording) and
    the notification queue."""
    async with sv.runtime.engine.connect() as conn:
        found: dict[str, Any] = await snapshot(conn)
        own = await sv.runtime.store.read_all(conn, 0, limit=10_000)
        columns = [c for c in notifications.columns if c.name != "id"]
        queued = (await conn.execute(select(*columns).order_by(notifications.c.id))).all()
    found["own"] = sorted((e.stream_id, e.version, e.type, str(e.data)) for e in own)
    found["notifications"] = sorted(tuple(r) for r in queued)
    found["published"] = await published(sv)
    return found


async def published(sv: App) -> list[tuple[str, str, bytes]]:
    """Each outbox record, checked to be the Kafka binary mode of its stored event."""
    async with sv.runtime.engine.connect() as conn:
        own = {e.event_id: e for e in await sv.runtime.store.read_all(conn, 0, limit=10_000)}
        records = (await conn.execute(select(outbox))).all()
    for record in records:
        e = own[record.event_id]
        envelope = Envelope(
            id=e.event_id,
            type=e.type,
            source=sv.runtime.store.source,
            subject=e.stream_id,
            time=e.recorded_at,
            center=e.center,
            sequence=e.version,
            traceparent=e.traceparent,
            data=e.data,
        )
        headers = [(name, value.encode()) for name, value in record.headers]
        assert (record.key.encode(), headers, record.value) == to_message(envelope)
    return sorted((r.topic, r.key, bytes(r.value)) for r in records)


async def test_a_folded_poll_and_a_batched_tick_equal_the_one_by_one_paths(
    two: tuple[App, App],
) -> None:
    one, batched = two
    items = envelopes(case_events())
    for item in items:
        async with one.runtime.engine.begin() as conn:
            await supervise_case_event(
                on(one, conn), item.envelope, item.event, clock=one.clock, settings=one.settings
            )
    for part in (items[:6], items[6:]):  # the second poll finds the first one's rows
        async with batched.runtime.engine.begin() as conn:
            await supervise_batch(
                on(batched, conn), part, clock=batched.clock, settings=batched.settings
            )
    first = await state(one)
    assert first["own"] and first["case_ledger"] and first["anomalies"] and first["published"]
    assert await state(batched) == first

    for at in (bj(2026, 9, 29, 9), bj(2026, 10, 8, 9), bj(2026, 10, 12, 9)):
        for sv in two:
            assert isinstance(sv.clock, FixedClock)
            sv.clock.set(at)
        due = await _due(one, at)
        for case_id in due:
            await refresh_one(one.uow, case_id, at)
        await deliver_notifications(one, now=at)
        ticked = await tick(batched, now=at)
        assert ticked.cases == len(due)
    after = await state(one)
    assert len(after["own"]) > len(first["own"]) and after["notifications"]
    assert await state(batched) == after


async def _due(sv: App, at: datetime) -> list[str]:
    async with sv.uow.begin() as tx:
        return await tx.views.due_cases(at, exclude=set(), limit=BATCH)


def on(sv: App, conn: AsyncConnection) -> SqlTransaction[SupervisionViews]:
    """The app's unit of work on a transaction the test opened."""
    assert isinstance(sv.uow, SqlUnitOfWork)
    tx: SqlTransaction[SupervisionViews] = sv.uow.on(conn)
    return tx

"""Nothing silently lost: failing handlers and invalid payloads park their stream until replayed;
refused outbox rows are moved aside; sent rows are pruned after their retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import AliasChoices, Field
from sqlalchemy import func, select, update

from libs.events.applier import Applier
from libs.events.db import outbox, outbox_rejected, parked, stream_positions
from libs.events.envelope import Envelope
from libs.events.outbox import OutboxRelay
from libs.events.registry import CASE_EVENTS, Event, Registry
from libs.events.replay import replay
from libs.events.store import EventStore
from tests.integration.events_harness import (
    Padded,
    Pinged,
    applied,
    caught_up,
    consumer_for,
    engine,
    kafka,
    log_ping,
    producer,
    send_ping,
)
from tests.support.kafka import read_topic
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
__all__ = ["engine", "kafka", "producer"]  # fixtures


async def open_parked(engine: Any) -> list[tuple[str, int | None, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(parked.c.stream, parked.c.sequence, parked.c.reason)
            .where(parked.c.resolved_at.is_(None))
            .order_by(parked.c.id)
        )
        return [(str(r.stream).split()[-1], r.sequence, r.reason) for r in rows]


async def parked_flag(engine: Any, subject: str) -> bool:
    async with engine.connect() as conn:
        query = select(stream_positions.c.parked_at).where(
            stream_positions.c.stream.endswith(f" {subject}")
        )
        return (await conn.execute(query)).scalar_one() is not None


async def test_a_failing_handler_parks_its_stream_until_replayed_once(
    engine, kafka, producer
) -> None:
    """p3's handler keeps failing: p3 and p4 wait in `parked`, q goes on; after the fix a replay
    applies p3 then p4 once, unparks p, and p5 applies directly. Fails before: p3 was
    dead-lettered for good and p4 applied after p2."""
    broken = True

    async def buggy(conn: Any, env: Envelope, event: Event) -> None:
        if broken and event.model_dump()["n"] == 3:
            raise RuntimeError("bug in the projection")
        await log_ping(conn, env, event)

    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        await store.append(conn, "p", 0, [Pinged(n=i) for i in range(1, 5)])
        await store.append(conn, "q", 0, [Pinged(n=i) for i in range(1, 3)])
    relay = OutboxRelay(engine, producer)
    await relay.relay_once()
    consumer = consumer_for(engine, kafka, producer, handle=buggy)
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)
        assert await applied(engine) == {"p": [1, 2], "q": [1, 2]}
        assert await open_parked(engine) == [("p", 3, "failed"), ("p", 4, "held")]
        assert await parked_flag(engine, "p")
        broken = False  # the fix is deployed
        done = await replay(consumer.applier)
        assert [(r.resolved, r.outcome) for r in done] == [(True, "applied"), (True, "applied")]
        assert await replay(consumer.applier) == []
        assert await open_parked(engine) == [] and not await parked_flag(engine, "p")
        async with engine.begin() as conn:
            await store.append(conn, "p", 4, [Pinged(n=5)])
        await relay.relay_once()
        await eventually(lambda: caught_up(consumer), within=30)
    finally:
        await consumer.stop()
    assert await applied(engine) == {"p": [1, 2, 3, 4, 5], "q": [1, 2]}


fixed = Registry()


@fixed.register("onewindow.case.pinged.v1", topic=CASE_EVENTS)
class PingedFixed(Event):
    """The fix: a producer that wrote `number` for `n` is now understood."""

    n: int = Field(validation_alias=AliasChoices("n", "number"))


async def test_an_invalid_payload_goes_to_the_dlq_and_parks_until_fixed(
    engine, kafka, producer
) -> None:
    """v2's payload breaks the schema: it goes to `<topic>.dlq` and is parked with v3 behind it;
    w goes on; once the schema is fixed a replay applies v2 and v3. Fails before: v2 was only
    dead-lettered and v3 applied after v1."""
    await send_ping(producer, kafka, "v", 1)
    await send_ping(producer, kafka, "v", 2, number=2)
    await send_ping(producer, kafka, "v", 3)
    await send_ping(producer, kafka, "w", 1)
    consumer = consumer_for(engine, kafka, producer)
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)
    finally:
        await consumer.stop()
    assert await applied(engine) == {"v": [1], "w": [1]}
    assert await open_parked(engine) == [("v", 2, "invalid"), ("v", 3, "held")]
    topic = kafka.topic("case-events")
    [dead] = await read_topic(kafka.kafka_bootstrap_servers, f"{topic}.dlq", expect=1)
    assert b"payload invalid" in dict(dead.headers)["dlq_error"]
    still = await replay(consumer.applier)
    assert [r.resolved for r in still] == [False] and "payload invalid" in still[0].outcome
    repaired = Applier(name=consumer.name, engine=engine, handle=log_ping, types=fixed)
    assert [r.resolved for r in await replay(repaired)] == [True, True]
    assert await replay(repaired) == []
    assert await applied(engine) == {"v": [1, 2, 3], "w": [1]}


async def test_a_refused_row_is_moved_aside_and_the_rest_goes_on(engine, kafka, producer) -> None:
    """A row larger than the producer accepts: kept in `outbox_rejected` with the error, and the
    rows after it are published. Fails before: every pass raised on it, publishing nothing."""
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        await store.append(conn, "big", 0, [Padded(pad="x" * 1_100_000)])
        await store.append(conn, "small", 0, [Pinged(n=1)])
    assert await OutboxRelay(engine, producer).relay_once() == 2
    async with engine.connect() as conn:
        [error] = (await conn.execute(select(outbox_rejected.c.error))).scalars()
        unsent = select(func.count()).where(outbox.c.sent_at.is_(None))
        assert (await conn.execute(unsent)).scalar_one() == 0
    assert "MessageSizeTooLarge" in error
    [record] = await read_topic(kafka.kafka_bootstrap_servers, kafka.topic("case-events"), expect=1)
    assert record.key == b"small"


async def test_sent_rows_are_pruned_after_the_retention(engine, kafka, producer) -> None:
    """Sent rows older than the retention go; recent and unsent ones stay. Fails before: the
    relay had no retention, so the outbox grew with every event for ever."""
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        await store.append(conn, "old", 0, [Pinged(n=1), Pinged(n=2)])
        await store.append(conn, "recent", 0, [Pinged(n=1)])
    relay = OutboxRelay(engine, producer, retention=timedelta(days=7))
    assert await relay.relay_once() == 3
    async with engine.begin() as conn:
        await store.append(conn, "unsent", 0, [Pinged(n=1)])
        week_ago = datetime.now(UTC) - timedelta(days=8)
        await conn.execute(update(outbox).where(outbox.c.key == "old").values(sent_at=week_ago))
    assert await relay.prune() == 2
    async with engine.connect() as conn:
        keys = (await conn.execute(select(outbox.c.key).order_by(outbox.c.id))).scalars().all()
    assert keys == ["recent", "unsent"]

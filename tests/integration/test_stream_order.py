"""Per-stream order and exactly-once, through the real broker, whatever fails in between."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError
from prometheus_client import REGISTRY
from sqlalchemy import text

from libs.events.envelope import from_message
from libs.events.kafka import KafkaSettings
from libs.events.outbox import OutboxRelay
from libs.events.store import EventStore
from tests.integration.events_harness import (
    Pinged,
    applied,
    caught_up,
    consumer_for,
    engine,
    kafka,
    positions_count,
    producer,
    send_ping,
)
from tests.support.kafka import read_topic
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
__all__ = ["engine", "kafka", "producer"]  # fixtures


class LosesOneAck:
    """A producer whose acknowledgement of the records carrying `n` in `lost` fails once."""

    def __init__(self, real: AIOKafkaProducer, lost: set[int]) -> None:
        self.real = real
        self.lost = set(lost)

    async def send(self, topic: str, **kwargs: Any) -> asyncio.Future[Any]:
        n = json.loads(kwargs["value"])["n"]
        if n in self.lost:
            self.lost.discard(n)
            failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            failed.set_exception(KafkaTimeoutError("ack lost"))
            return failed
        return await self.real.send(topic, **kwargs)


async def append_streams(engine: Any, kafka: KafkaSettings, streams: dict[str, int]) -> None:
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        for subject, count in streams.items():
            await store.append(conn, subject, 0, [Pinged(n=i) for i in range(1, count + 1)])


async def test_a_lost_ack_mid_batch_never_reorders_a_stream(engine, kafka, producer) -> None:
    """Fails before: the relay sent every row, then kept only the ids before the first failure,
    so a3's retry went out after a4..a6 (and b's rows twice) and the consumer applied a4 first."""
    await append_streams(engine, kafka, {"a": 6, "b": 6})
    relay = OutboxRelay(engine, LosesOneAck(producer, {3}))  # type: ignore[arg-type]
    first = await relay.relay_once()
    assert first == 2 + 6  # a1, a2 and all of b; a3 failed, so a4..a6 waited
    assert await relay.relay_once() == 4
    records = await read_topic(kafka.kafka_bootstrap_servers, kafka.topic("case-events"), expect=12)
    a_order = [from_message(r.key, r.headers, r.value).sequence for r in records if r.key == b"a"]
    assert a_order == [1, 2, 3, 4, 5, 6]
    consumer = consumer_for(engine, kafka, producer)
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)
    finally:
        await consumer.stop()
    assert await applied(engine) == {"a": [1, 2, 3, 4, 5, 6], "b": [1, 2, 3, 4, 5, 6]}


async def test_group_reset_and_triple_redelivery_change_nothing(engine, kafka, producer) -> None:
    """Records copied three more times onto the topic, then the group reset to earliest: the
    projection is unchanged and the consumer tracks one row per stream. Fails before: tracking
    was one `processed` row per event (no `stream_positions` table existed)."""
    await append_streams(engine, kafka, {"r1": 5, "r2": 5, "r3": 5})
    await OutboxRelay(engine, producer).relay_once()
    topic = kafka.topic("case-events")
    consumer = consumer_for(engine, kafka, producer, name="redelivered")
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)
        before, skipped = await applied(engine), duplicates("redelivered")
        originals = await read_topic(kafka.kafka_bootstrap_servers, topic, expect=15)
        for _ in range(3):
            for r in originals:
                await producer.send(topic, r.value, r.key, headers=list(r.headers))
        await producer.flush()
        await eventually(lambda: _at_least(duplicates("redelivered"), skipped + 45), within=30)
        assert await applied(engine) == before
        await consumer.consumer.seek_to_beginning()  # type: ignore[union-attr]  # group reset
        await eventually(lambda: _at_least(duplicates("redelivered"), skipped + 105), within=30)
        await eventually(lambda: caught_up(consumer), within=30)
    finally:
        await consumer.stop()
    assert await applied(engine) == before == {s: [1, 2, 3, 4, 5] for s in ("r1", "r2", "r3")}
    assert await positions_count(engine) == 3


def duplicates(consumer: str) -> float:
    found = REGISTRY.get_sample_value("onewindow_consumer_duplicates_total", {"consumer": consumer})
    return found or 0.0


async def _at_least(value: float, floor: float) -> bool:
    return value >= floor


async def test_a_gap_waits_and_is_never_skipped(engine, kafka, producer) -> None:
    """g3 arrives before g2: it waits (other streams go on), is parked once the gap outlasts
    its time, and is applied right after g2 arrives. Fails before: applied 1, 3, 2."""
    consumer = consumer_for(engine, kafka, producer, gap_timeout=1.0)
    await consumer.start()
    try:
        await send_ping(producer, kafka, "g", 1)
        await send_ping(producer, kafka, "g", 3)
        await send_ping(producer, kafka, "other", 1)
        await eventually(lambda: _equals(applied(engine), {"g": [1], "other": [1]}))
        await eventually(lambda: caught_up(consumer), within=30)  # parked: the partition goes on
        await send_ping(producer, kafka, "g", 2)
        await eventually(lambda: _equals(applied(engine), {"g": [1, 2, 3], "other": [1]}))
        await send_ping(producer, kafka, "g", 4)
        await eventually(lambda: _equals(applied(engine), {"g": [1, 2, 3, 4], "other": [1]}))
    finally:
        await consumer.stop()


async def test_the_relay_waits_for_the_broker_outside_any_transaction(
    engine, kafka, producer
) -> None:
    """While the broker has not answered, the outbox can be locked exclusively. Fails before:
    the relay read the batch and waited for the acks in one open transaction."""
    await append_streams(engine, kafka, {"t": 1})
    entered, release = asyncio.Event(), asyncio.Event()

    class Slow:
        async def send(self, topic: str, **kwargs: Any) -> asyncio.Future[Any]:
            entered.set()
            await release.wait()
            return await producer.send(topic, **kwargs)

    relay = asyncio.create_task(OutboxRelay(engine, Slow()).relay_once())  # type: ignore[arg-type]
    await asyncio.wait_for(entered.wait(), 10)
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL lock_timeout = '1s'"))
        await conn.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
    release.set()
    assert await relay == 1


async def _equals(probe: Any, expected: Any) -> bool:
    return bool(await probe == expected)

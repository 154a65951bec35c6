"""Outbox relay and idempotent consumers against real PostgreSQL and the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.consumer import IdempotentConsumer
from libs.events.db import make_engine, migrate, outbox, parked
from libs.events.envelope import Envelope, from_message
from libs.events.kafka import KafkaSettings
from libs.events.outbox import OutboxRelay
from libs.events.registry import CASE_EVENTS, Event, Registry
from libs.events.store import EventStore
from tests.support.kafka import read_topic
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

types = Registry()


@types.register("onewindow.case.pinged.v1", topic=CASE_EVENTS)
class Pinged(Event):
    n: int


seen_meta = MetaData()
seen = Table("seen", seen_meta, Column("n", Integer, nullable=False))


@pytest.fixture
def kafka(broker) -> KafkaSettings:
    return KafkaSettings(
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_topic_prefix=f"t{uuid.uuid4().hex[:8]}-",
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
        kafka_partitions=3,
    )


@pytest.fixture
async def db(databases) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url = await databases.create("relay")
    engine = make_engine(url)
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.run_sync(seen_meta.create_all)
    yield url, engine
    await engine.dispose()


@pytest.fixture
async def producer(kafka: KafkaSettings) -> AsyncIterator[AIOKafkaProducer]:
    p = kafka.producer()
    await p.start()
    yield p
    await p.stop()


async def record_ping(conn: AsyncConnection, _: Envelope, event: Event) -> None:
    assert isinstance(event, Pinged)
    await conn.execute(insert(seen).values(n=event.n))


def consumer_for(
    engine, kafka, producer, *, name: str = "projection", handle=record_ping
) -> IdempotentConsumer:
    return IdempotentConsumer(
        name=name,
        engine=engine,
        kafka=kafka,
        topics=["case-events"],
        handle=handle,
        producer=producer,
        types=types,
    )


async def seen_counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        row = (await conn.execute(select(func.count(), func.count(seen.c.n.distinct())))).one()
    return int(row[0]), int(row[1])


async def test_cloudevents_headers_round_trip_through_the_broker(db, kafka, producer) -> None:
    _, engine = db
    store = EventStore(center="350521", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        [stored] = await store.append(conn, "case-1", 0, [Pinged(n=7)])
    assert await OutboxRelay(engine, producer).relay_once() == 1
    [record] = await read_topic(kafka.kafka_bootstrap_servers, kafka.topic("case-events"), expect=1)
    headers = dict(record.headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"onewindow.case.pinged.v1"
    assert headers["ce_source"] == b"/centers/350521/intake"
    assert headers["ce_subject"] == b"case-1"
    assert headers["ce_center"] == b"350521"
    assert headers["ce_sequence"] == b"1"
    assert headers["ce_traceparent"].startswith(b"00-")
    assert headers["content-type"] == b"application/json"
    assert record.key == b"case-1"
    envelope = from_message(record.key, record.headers, record.value)
    assert envelope.id == stored.event_id and envelope.data == {"n": 7}


async def test_relay_never_skips_a_late_commit(db, kafka, producer) -> None:
    _, engine = db
    store = EventStore(center="350500", service="intake", kafka=kafka)
    relay = OutboxRelay(engine, producer)
    async with engine.connect() as slow:
        trans = await slow.begin()
        await store.append(slow, "slow", 0, [Pinged(n=1)])  # takes the lower outbox id
        async with engine.begin() as fast:
            await store.append(fast, "fast", 0, [Pinged(n=2)])
        assert await relay.relay_once() == 1  # only the committed, higher id
        await trans.commit()
    assert await relay.relay_once() == 1  # the late commit is found on the next pass
    records = await read_topic(kafka.kafka_bootstrap_servers, kafka.topic("case-events"), expect=2)
    assert sorted(r.key for r in records) == [b"fast", b"slow"]


async def test_relay_killed_midway_loses_nothing_and_applies_nothing_twice(
    db, kafka, producer
) -> None:
    url, engine = db
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        for stream in range(100):
            await store.append(
                conn, f"s{stream}", 0, [Pinged(n=stream * 10 + i) for i in range(10)]
            )
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka.kafka_bootstrap_servers}

    def start_relay() -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "libs.events.outbox", url, "10"]
        return subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)

    async def sent() -> int:
        async with engine.connect() as conn:
            query = select(func.count()).where(outbox.c.sent_at.is_not(None))
            return int((await conn.execute(query)).scalar_one())

    relay = start_relay()
    await eventually(lambda: _at_least(sent, 50), within=30)
    relay.send_signal(signal.SIGKILL)
    relay.wait()
    at_kill = await sent()
    assert 0 < at_kill < 1000, at_kill
    relay = start_relay()
    consumer = consumer_for(engine, kafka, producer)
    await consumer.start()
    try:
        await eventually(lambda: _equals(lambda: seen_counts(engine), (1000, 1000)), within=60)
    finally:
        await consumer.stop()
        relay.terminate()
        relay.wait()
    assert await sent() == 1000


async def test_redelivery_changes_nothing(db, kafka, producer) -> None:
    _, engine = db
    consumer = consumer_for(engine, kafka, producer)
    envelope = Envelope(
        type=Pinged.TYPE,
        source="/centers/350500/intake",
        subject="c",
        center="350500",
        sequence=1,
        data={"n": 5},
    )
    first = await consumer.apply(envelope)
    again = await consumer.apply(envelope)
    assert first.applied and not again.applied
    assert await seen_counts(engine) == (1, 1)


async def test_garbage_goes_to_the_dlq_and_the_next_message_is_applied(db, kafka, producer) -> None:
    _, engine = db
    topic = kafka.topic("case-events")
    await producer.send_and_wait(
        topic, key=b"x", value=b"\x00not an event", headers=[("ce_type", b"x")]
    )
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        await store.append(conn, "x", 0, [Pinged(n=42)])
    await OutboxRelay(engine, producer).relay_once()
    consumer = consumer_for(engine, kafka, producer)
    await consumer.start()
    try:
        await eventually(lambda: _equals(lambda: seen_counts(engine), (1, 1)))
    finally:
        await consumer.stop()
    [dead] = await read_topic(kafka.kafka_bootstrap_servers, f"{topic}.dlq", expect=1)
    assert dead.value == b"\x00not an event"
    assert b"source" in dict(dead.headers)["dlq_error"]


async def _at_least(probe, n: int) -> bool:
    return await probe() >= n


async def _equals(probe, expected) -> bool:
    return await probe() == expected


async def test_events_caused_by_an_event_continue_its_trace(db, kafka, producer) -> None:
    _, engine = db
    store = EventStore(center="350500", service="approval", kafka=kafka)

    async def react(conn: AsyncConnection, env: Envelope, event: Event) -> None:
        await store.append(conn, f"reaction-{env.subject}", 0, [Pinged(n=1)])

    consumer = consumer_for(engine, kafka, producer, name="reactor", handle=react)
    trace_id = uuid.uuid4().hex
    envelope = Envelope(
        type=Pinged.TYPE,
        source="/centers/350500/intake",
        subject="c1",
        center="350500",
        sequence=1,
        data={"n": 1},
        traceparent=f"00-{trace_id}-{'1' * 16}-01",
    )
    await consumer.apply(envelope)
    async with engine.connect() as conn:
        [reaction] = await store.read(conn, "reaction-c1")
    assert reaction.traceparent.split("-")[1] == trace_id


async def test_a_database_outage_in_a_handler_delays_but_never_dead_letters(
    db, kafka, producer
) -> None:
    _, engine = db
    # More failures than a handler's attempts: an outage outlasts the in-process retries.
    failures = [OperationalError("INSERT", {}, ConnectionRefusedError("away"))] * 4

    async def flaky(conn: AsyncConnection, env: Envelope, event: Event) -> None:
        if failures:
            raise failures.pop()
        await record_ping(conn, env, event)

    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        await store.append(conn, "flaky", 0, [Pinged(n=3)])
    await OutboxRelay(engine, producer).relay_once()
    consumer = consumer_for(engine, kafka, producer, name="flaky", handle=flaky)
    await consumer.start()
    try:
        await eventually(lambda: _equals(lambda: seen_counts(engine), (1, 1)))
    finally:
        await consumer.stop()
    assert not failures
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(parked))).scalar() == 0

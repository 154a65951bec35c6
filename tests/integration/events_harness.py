"""What the relay and consumer tests share: a test event type, a projection that records the
order it applied events in, a consumer factory and a probe for 'consumed to the end'."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.consumer import IdempotentConsumer
from libs.events.db import make_engine, migrate, stream_positions
from libs.events.envelope import Envelope, to_message
from libs.events.kafka import KafkaSettings
from libs.events.registry import CASE_EVENTS, Event, Registry

types = Registry()


@types.register("onewindow.case.pinged.v1", topic=CASE_EVENTS)
class Pinged(Event):
    n: int


@types.register("onewindow.case.padded.v1", topic=CASE_EVENTS)
class Padded(Event):
    pad: str


log_meta = MetaData()
applied_log = Table(
    "applied_log",
    log_meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(100), nullable=False),
    Column("n", Integer, nullable=False),
)


@pytest.fixture
def kafka(broker: Any) -> KafkaSettings:
    return KafkaSettings(
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_topic_prefix=f"t{uuid.uuid4().hex[:8]}-",
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
        kafka_partitions=3,
    )


@pytest.fixture
async def engine(databases: Any) -> AsyncIterator[AsyncEngine]:
    url = await databases.create("order")
    created = make_engine(url)
    await migrate(created)
    async with created.begin() as conn:
        await conn.run_sync(log_meta.create_all)
    yield created
    await created.dispose()


@pytest.fixture
async def producer(kafka: KafkaSettings) -> AsyncIterator[AIOKafkaProducer]:
    p = kafka.producer()
    await p.start()
    yield p
    await p.stop()


async def log_ping(conn: AsyncConnection, env: Envelope, event: Event) -> None:
    n = event.model_dump()["n"]  # any model of the pinged type (a fixed one too)
    await conn.execute(insert(applied_log).values(subject=env.subject, n=n))


def consumer_for(
    engine: AsyncEngine,
    kafka: KafkaSettings,
    producer: AIOKafkaProducer,
    *,
    name: str = "projection",
    handle: Any = log_ping,
    registry: Registry = types,
    gap_timeout: float = 30.0,
) -> IdempotentConsumer:
    return IdempotentConsumer(
        name=name,
        engine=engine,
        kafka=kafka,
        topics=["case-events"],
        handle=handle,
        producer=producer,
        types=registry,
        gap_timeout=gap_timeout,
        retry_delay=0.01,
    )


async def applied(engine: AsyncEngine) -> dict[str, list[int]]:
    """Per subject, the values in the order the projection applied them."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(applied_log).order_by(applied_log.c.id))
        found: dict[str, list[int]] = {}
        for row in rows:
            found.setdefault(row.subject, []).append(row.n)
    return found


async def positions_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = select(func.count()).select_from(stream_positions)
        return int((await conn.execute(query)).scalar_one())


async def caught_up(consumer: IdempotentConsumer) -> bool:
    """Whether the group has committed every record now on its partitions."""
    kc = consumer.consumer
    assert kc is not None
    partitions = list(kc.assignment())
    if not partitions:
        return False
    ends = await kc.end_offsets(partitions)
    for tp in partitions:
        if (await kc.committed(tp) or 0) < ends[tp]:
            return False
    return True


def ping(subject: str, sequence: int, data: dict[str, Any]) -> tuple[bytes, list[Any], bytes]:
    """A record of stream `subject` as the intake service would publish it."""
    envelope = Envelope(
        type=Pinged.TYPE,
        source="/centers/350500/intake",
        subject=subject,
        center="350500",
        sequence=sequence,
        data=data,
    )
    return to_message(envelope)


async def send_ping(
    producer: AIOKafkaProducer, kafka: KafkaSettings, subject: str, sequence: int, **data: Any
) -> None:
    key, headers, value = ping(subject, sequence, data or {"n": sequence})
    await producer.send_and_wait(kafka.topic("case-events"), value, key, headers=headers)

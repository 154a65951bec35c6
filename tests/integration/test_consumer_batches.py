"""A poll's records share one transaction while they apply plainly; a failing record sends the
batch back to one record at a time, and nothing is lost, doubled or reordered."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from libs.events.envelope import Envelope
from libs.events.outbox import OutboxRelay
from libs.events.registry import CASE_EVENTS, Event, Registry
from libs.events.store import EventStore
from tests.integration.events_harness import (
    Pinged,
    applied,
    caught_up,
    consumer_for,
    engine,
    kafka,
    log_ping,
    positions_count,
    producer,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
__all__ = ["engine", "kafka", "producer"]  # fixtures


async def test_a_poll_is_applied_in_few_transactions_and_a_failure_falls_back(
    engine, kafka, producer
) -> None:
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        for s in range(20):
            await store.append(conn, f"s{s}", 0, [Pinged(n=i) for i in range(1, 6)])
    await OutboxRelay(engine, producer).relay_once()
    transactions: set[int] = set()
    failed: list[str] = []

    async def handle(conn: Any, env: Envelope, event: Event) -> None:
        transactions.add(int((await conn.execute(text("SELECT txid_current()"))).scalar_one()))
        if env.subject == "s7" and env.sequence == 3 and not failed:
            failed.append(env.id)  # once: the batch rolls back, then goes one by one
            raise RuntimeError("a moment's trouble")
        await log_ping(conn, env, event)

    consumer = consumer_for(engine, kafka, producer, name="batched", handle=handle)
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)
    finally:
        await consumer.stop()
    assert await applied(engine) == {f"s{s}": [1, 2, 3, 4, 5] for s in range(20)}
    assert failed and len(transactions) < 100 / 2  # 100 events, far fewer transactions


notes = Registry()


@notes.register("onewindow.org.noted.v1", topic=CASE_EVENTS)
class Noted(Event):
    """An event of a family the consumer below does not follow."""

    n: int


async def test_a_consumer_of_some_families_passes_over_the_others_without_a_transaction(
    engine, kafka, producer
) -> None:
    store = EventStore(center="350500", service="intake", kafka=kafka)
    async with engine.begin() as conn:
        for s in range(10):
            await store.append(conn, f"s{s}", 0, [Pinged(n=i) for i in range(1, 4)])
            await store.append(conn, f"org-{s}", 0, [Noted(n=1), Noted(n=2)])
    await OutboxRelay(engine, producer).relay_once()

    consumer = consumer_for(engine, kafka, producer, name="some-families")
    consumer.families = frozenset({"case"})
    await consumer.start()
    try:
        await eventually(lambda: caught_up(consumer), within=30)  # their offsets committed too
    finally:
        await consumer.stop()
    assert await applied(engine) == {f"s{s}": [1, 2, 3] for s in range(10)}
    assert await positions_count(engine) == 10  # no position of the org streams was written

"""The example Kafka consumer handles each case event once, in order per case, even when the
broker delivers one twice and when it restarts."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from examples.kafka_consumer import Seen, consume
from libs.events.kafka import KafkaSettings
from tests.integration.linkage.webhooks_harness import CaseFeed, in_order
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import new_prefix

pytestmark = pytest.mark.integration
FAST_GROUP = {"session_timeout_ms": 1000, "heartbeat_interval_ms": 200}


@contextlib.asynccontextmanager
async def consuming(kafka: KafkaSettings, seen: Seen, handled: list[dict[str, Any]]) -> Any:
    stop = asyncio.Event()
    task = asyncio.create_task(
        consume(
            bootstrap=kafka.kafka_bootstrap_servers,
            topic=kafka.topic("case-events"),
            group="example",
            seen=seen,
            handle=handled.append,
            stop=stop,
            **FAST_GROUP,
        )
    )
    try:
        yield
    finally:
        stop.set()
        await task


async def test_the_example_consumer_is_idempotent_by_event_id(
    broker, databases, tmp_path: Path
) -> None:
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=new_prefix())
    feed = CaseFeed(await databases.create("feed"), kafka)
    handled: list[dict[str, Any]] = []
    async with feed.running():
        await feed.cases(range(3))
        records = await read_topic(broker.bootstrap, kafka.topic("case-events"), expect=12)
        producer = kafka.producer()  # the broker hands one record over twice
        await producer.start()
        try:
            again = records[5]
            await producer.send_and_wait(
                again.topic, value=again.value, key=again.key, headers=list(again.headers)
            )
        finally:
            await producer.stop()
        seen = Seen(str(tmp_path / "seen.db"))
        async with consuming(kafka, seen, handled):
            await eventually(lambda: _true(len(handled) >= 12), within=30)
        assert in_order(handled) == feed.expected
        # Restarted, it finds every id already handled.
        await feed.cases(range(3, 4))
        async with consuming(kafka, Seen(str(tmp_path / "seen.db")), handled):
            await eventually(lambda: _true(len(handled) >= 16), within=30)
    assert in_order(handled) == feed.expected and len(handled) == 16


async def _true(value: bool) -> bool:
    return value


def test_an_event_whose_handler_failed_is_not_taken_as_handled(tmp_path: Path) -> None:
    seen, handled = Seen(str(tmp_path / "seen.db")), []

    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("the integrator's database is away")

    with pytest.raises(RuntimeError):
        seen.once({"id": "ev-1"}, broken)
    seen.once({"id": "ev-1"}, handled.append)  # redelivered after the crash
    seen.once({"id": "ev-1"}, handled.append)  # and once more: a duplicate
    assert handled == [{"id": "ev-1"}]

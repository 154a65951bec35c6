"""A Kafka consumer of onewindow case events, idempotent by event id.

Events are CloudEvents in the Kafka binary mode (`ce_*` headers, JSON value), keyed by case id,
so one case's events arrive in order. Delivery is at least once: the consumer records each
event id in the same transaction as its handling (here in SQLite) and commits the offset only
after, so a redelivered event is skipped and a crash loses nothing.

    python examples/kafka_consumer.py --bootstrap 127.0.0.1:9092 --topic case-events
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings import kafka


class Seen:
    """Event ids already handled, kept across restarts."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY)")

    def once(self, event: dict[str, Any], handle: Callable[[dict[str, Any]], None]) -> None:
        """Handle the event unless its id was handled before; the id is kept only if the
        handler returns (write your own effects in this same transaction)."""
        with self.db:
            cursor = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (event["id"],))
            if cursor.rowcount == 1:
                handle(event)


def parse(record: Any) -> dict[str, Any]:
    """The CloudEvent of one record: its attributes and its JSON data."""
    message = kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    event = kafka.from_binary_event(message)
    data = event.get_data()
    return {
        **event.get_attributes(),
        "data": json.loads(data) if isinstance(data, bytes | str) else data,
    }


async def consume(
    *,
    bootstrap: str,
    topic: str,
    group: str,
    seen: Seen,
    handle: Callable[[dict[str, Any]], None],
    stop: asyncio.Event,
    **consumer_options: Any,
) -> None:
    """Handle each new event once; commit after handling; return when `stop` is set."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **consumer_options,
    )
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    seen.once(parse(record), handle)
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()


def show(event: dict[str, Any]) -> None:
    """Print one event: its case, sequence and type."""
    print(event["subject"], event.get("sequence"), event["type"], flush=True)


def main() -> None:
    """Print every case event once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="case-events")
    parser.add_argument("--group", default="integrator-example")
    parser.add_argument("--seen", default="seen-events.db")
    args = parser.parse_args()
    seen, stop = Seen(args.seen), asyncio.Event()
    asyncio.run(consume(**vars(args) | {"seen": seen, "handle": show, "stop": stop}))


if __name__ == "__main__":
    main()

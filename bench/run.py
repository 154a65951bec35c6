"""`make bench`: throughput of the event store and the outbox relay, as ratios to baselines.

Each figure is measured next to a baseline in the same run on the same machine (a plain
Core insert of the same rows; a plain batched aiokafka produce of the same messages), so
the ratios mean something on any machine. Results go to var/bench/latest.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from libs.events.broker import TansuBroker  # noqa: E402
from libs.events.db import make_engine, migrate  # noqa: E402
from libs.events.kafka import KafkaSettings  # noqa: E402
from libs.events.outbox import OutboxRelay  # noqa: E402
from libs.events.registry import Event, Registry  # noqa: E402
from libs.events.store import EventStore  # noqa: E402

N = int(os.environ.get("BENCH_EVENTS", "5000"))
BATCH = 100
ADMIN = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

types = Registry()


@types.register("onewindow.bench.noted.v1")
class Noted(Event):
    n: int
    text: str


plain = Table(
    "plain",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("stream", String(64)),
    Column("data", String(400)),
)


async def timed(fn: Any) -> float:
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start


async def bench(url: str, kafka: KafkaSettings) -> dict[str, Any]:
    engine = make_engine(url)
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.run_sync(plain.metadata.create_all)
    store = EventStore(center="350500", service="bench", kafka=kafka)
    payload = "受理" * 50

    async def baseline_insert() -> None:
        for start in range(0, N, BATCH):
            async with engine.begin() as conn:
                rows = [{"stream": f"s{i}", "data": payload} for i in range(start, start + BATCH)]
                await conn.execute(insert(plain), rows)

    async def store_append() -> None:
        for start in range(0, N, BATCH):
            async with engine.begin() as conn:
                for i in range(start, start + BATCH):
                    await store.append(conn, f"s{i}", 0, [Noted(n=i, text=payload)])

    tracemalloc.start()
    base = await timed(baseline_insert)
    append = await timed(store_append)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    producer = kafka.producer()
    await producer.start()
    value = json.dumps({"n": 1, "text": payload}).encode()

    async def baseline_produce() -> None:
        futures = [
            await producer.send(kafka.topic("raw"), value=value, key=str(i).encode())
            for i in range(N)
        ]
        await asyncio.gather(*futures)

    async def relay_all() -> None:
        relay = OutboxRelay(engine, producer, batch=500)
        while await relay.relay_once():
            pass

    produce = await timed(baseline_produce)
    relay = await timed(relay_all)
    await producer.stop()
    await engine.dispose()
    return {
        "events": N,
        "baseline_insert_per_s": round(N / base),
        "store_append_per_s": round(N / append),
        "store_append_vs_plain_insert": round(base / append, 3),
        "baseline_produce_per_s": round(N / produce),
        "relay_per_s": round(N / relay),
        "relay_vs_plain_produce": round(produce / relay, 3),
        "append_peak_memory_mib": round(peak / 2**20, 2),
    }


async def main() -> None:
    name = f"ow_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        with TansuBroker() as broker:
            kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap)
            results = await bench(url, kafka)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    out = ROOT / "var" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        print(f"{key:32} {value}")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())

"""`relay`: the outbox relay publishing committed rows, against aiokafka's batched produce.

The baseline sends the very messages the outbox holds (same key, headers, value), batched as
aiokafka batches them; the relay drains the same count of committed rows and marks them sent.
Lag is commit to broker acknowledgement (`sent_at - created_at`) under an open-loop load at
half the relay's measured rate (or what the appenders reach, if that is less).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

from sqlalchemy import func, select

from bench.common import PAYLOAD, Noted, database, interleaved, percentile
from libs.events.db import make_engine, migrate, outbox
from libs.events.kafka import KafkaSettings
from libs.events.outbox import OutboxRelay
from libs.events.store import EventStore

ROWS = int(os.environ.get("BENCH_RELAY_ROWS", "5000"))
LAG_SECONDS = float(os.environ.get("BENCH_LAG_SECONDS", "4"))
TICK = 0.01


async def bench_relay(bootstrap: str) -> dict[str, Any]:
    """Raw produce and relay interleaved, then the lag at half the relay's rate."""
    kafka = KafkaSettings(kafka_bootstrap_servers=bootstrap, kafka_topic_prefix="bench-relay-")
    async with database("relay") as url:
        engine = make_engine(url)
        await migrate(engine)
        store = EventStore(center="350500", service="bench", kafka=kafka)
        producer = kafka.producer()
        await producer.start()
        relay = OutboxRelay(engine, producer, batch=500, interval=0.05)

        async def fill(count: int, per_txn: int = 250) -> None:
            for start in range(0, count, per_txn):
                async with engine.begin() as conn:
                    for i in range(start, min(count, start + per_txn)):
                        await store.append(
                            conn, f"case-{uuid.uuid4()}", 0, [Noted(n=i, text=PAYLOAD)]
                        )

        await fill(1)
        async with engine.connect() as conn:
            sample = (await conn.execute(select(outbox).limit(1))).one()
        headers = [(name, raw.encode()) for name, raw in sample.headers]

        async def raw_produce() -> int:
            futures = [
                await producer.send(
                    sample.topic, value=sample.value, key=f"{i}".encode(), headers=headers
                )
                for i in range(ROWS)
            ]
            await asyncio.gather(*futures)
            return ROWS

        results = await _rounds(raw_produce, relay, fill)
        lag = await _lag(engine, store, relay, rate=results["relay"] / 2)
        await producer.stop()
        await engine.dispose()
    return {
        "rows_per_round": ROWS,
        "raw_produce_per_s": round(results["raw"]),
        "relay_per_s": round(results["relay"]),
        "ratio": round(results["relay"] / results["raw"], 3),
        **lag,
        "cpu_ms_per_1000": results["cpu"],
    }


async def _rounds(raw_produce: Any, relay: OutboxRelay, fill: Any) -> dict[str, Any]:
    async def drain() -> int:
        sent = 0
        while done := await relay.relay_once():
            sent += done
        return sent

    async def relay_round() -> int:
        return await drain()

    measured: dict[str, Any] = {}
    rates: dict[str, list[float]] = {"raw": [], "relay": []}
    cpu: dict[str, Any] = {}
    for _ in range(int(os.environ.get("BENCH_ROUNDS", "3"))):
        await fill(ROWS)  # committed before the relay's clock starts
        got = await interleaved([("raw", raw_produce), ("relay", relay_round)], rounds=1)
        for name, m in got.items():
            rates[name] += m.rates
            cpu[name] = m.cpu_per_1000(ROWS)
    measured["raw"] = sorted(rates["raw"])[len(rates["raw"]) // 2]
    measured["relay"] = sorted(rates["relay"])[len(rates["relay"]) // 2]
    measured["cpu"] = cpu
    return measured


async def _lag(
    engine: Any, store: EventStore, relay: OutboxRelay, *, rate: float
) -> dict[str, Any]:
    """Open loop: one-event transactions started at `rate`/s (at most 16 at once) while the
    relay runs; lag is each row's `sent_at - created_at`."""
    async with engine.connect() as conn:
        last = (await conn.execute(select(func.max(outbox.c.id)))).scalar() or 0
    relay.start()
    slots, tasks = asyncio.Semaphore(16), []

    async def append(i: int) -> None:
        async with slots:
            async with engine.begin() as conn:
                await store.append(conn, f"case-{uuid.uuid4()}", 0, [Noted(n=i, text=PAYLOAD)])
            relay.notify()

    started = time.perf_counter()
    for i in range(int(rate * LAG_SECONDS)):
        await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(append(i)))
    await asyncio.gather(*tasks)
    achieved = len(tasks) / (time.perf_counter() - started)
    lags = await _lags_once_sent(engine, after=last)
    await relay.stop()
    return {
        "lag_rate_per_s": round(achieved),
        "lag_target_rate_per_s": round(rate),
        "lag_p50_ms": round(percentile(lags, 50), 1),
        "lag_p99_ms": round(percentile(lags, 99), 1),
    }


async def _lags_once_sent(engine: Any, *, after: int) -> list[float]:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        async with engine.connect() as conn:
            query = select(outbox.c.created_at, outbox.c.sent_at).where(outbox.c.id > after)
            rows = (await conn.execute(query)).all()
        if rows and all(r.sent_at for r in rows):
            return [(r.sent_at - r.created_at).total_seconds() * 1000 for r in rows]
        await asyncio.sleep(0.1)
    raise TimeoutError("the relay did not publish the lag run's rows in time")

"""`projection`: supervision's consumer applying `case-events` to its projection, committed.

Each round publishes fresh cases (submitted -> accepted -> decided) to a topic of its own;
the baseline consumes them as a new group and upserts one row per record with a batched
executemany per poll, committing the offset after it; then supervision's own consumer (the
one the service runs) applies the same records. Both are timed from their consumer's start
until their last record is committed in the database (supervision's tables are migrated
before, as the baseline's table is created before).
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from bench.common import ROUNDS, Measured, database, measure
from bench.supervision import _case
from libs.events.db import migrate
from libs.events.envelope import Envelope, source_of, to_message
from libs.events.kafka import CASE_EVENTS, KafkaSettings
from services.supervision.bootstrap import MIGRATIONS, App, bootstrap
from services.supervision.config import Settings

EVENTS = int(os.environ.get("BENCH_PROJECTION_EVENTS", "600"))
UPSERT = (
    "INSERT INTO bench_cases (case_id, last_type, last_sequence, data) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (case_id) DO UPDATE SET last_type = excluded.last_type,"
    " last_sequence = excluded.last_sequence, data = excluded.data"
)


async def bench_projection(bootstrap_servers: str) -> dict[str, Any]:
    """Baseline and supervision's consumer interleaved over fresh topics, ROUNDS rounds."""
    base, proj = Measured(), Measured()
    async with database("projection") as url:
        raw = await asyncpg.connect(url)
        await raw.execute(
            "CREATE TABLE bench_cases (case_id text PRIMARY KEY, last_type text,"
            " last_sequence int, data text)"
        )
        for round_no in range(ROUNDS):
            kafka = _kafka(bootstrap_servers, f"bench-proj{round_no}-{uuid.uuid4().hex[:6]}-")
            await _publish(kafka, EVENTS)
            await measure(functools.partial(_baseline, kafka, raw), base)
            sv = await _prepared(kafka, url)
            await measure(functools.partial(_supervision, sv, url), proj)
        await raw.close()
    return {
        "events_per_round": EVENTS,
        "baseline_per_s": round(base.median),
        "projection_per_s": round(proj.median),
        "ratio": round(proj.median / base.median, 3),
        "cpu_ms_per_1000": {
            "baseline": base.cpu_per_1000(EVENTS),
            "projection": proj.cpu_per_1000(EVENTS),
        },
    }


def _kafka(bootstrap_servers: str, prefix: str) -> KafkaSettings:
    return KafkaSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        kafka_topic_prefix=prefix,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
    )


async def _publish(kafka: KafkaSettings, count: int) -> None:
    producer = kafka.producer()
    await producer.start()
    await kafka.ensure_topics(CASE_EVENTS)
    at = datetime.now(UTC)
    sent = 0
    for n in range(count // 3 + 1):
        case_id = f"case-{uuid.uuid4()}"
        for sequence, event in enumerate(_case(case_id, n, at), start=1):
            if sent == count:
                break
            envelope = Envelope(
                type=event.TYPE,
                source=source_of("350500", "intake"),
                subject=case_id,
                center="350500",
                sequence=sequence,
                data=event.model_dump(mode="json"),
            )
            key, headers, value = to_message(envelope)
            await producer.send(kafka.topic(CASE_EVENTS), value, key, headers=headers)
            sent += 1
    await producer.flush()
    await producer.stop()


async def _baseline(kafka: KafkaSettings, raw: asyncpg.Connection) -> int:
    consumer: AIOKafkaConsumer = kafka.consumer(
        kafka.topic(CASE_EVENTS), group_id=kafka.topic("base")
    )
    await consumer.start()
    done = 0
    try:
        while done < EVENTS:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for tp, records in batches.items():
                rows = [
                    (
                        r.key.decode() if r.key else "",
                        dict(r.headers)["ce_type"].decode(),
                        r.offset,
                        (r.value or b"").decode(),
                    )
                    for r in records
                ]
                async with raw.transaction():
                    await raw.executemany(UPSERT, rows)
                await consumer.commit({tp: records[-1].offset + 1})
                done += len(records)
    finally:
        await consumer.stop()
    return done


async def _prepared(kafka: KafkaSettings, url: str) -> App:
    """Supervision on the round's topics, its tables migrated (set-up, as the baseline's table)."""
    settings = Settings(
        database_url=url,
        kafka_bootstrap_servers=kafka.kafka_bootstrap_servers,
        kafka_topic_prefix=kafka.kafka_topic_prefix,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
        tick_interval_seconds=3600,
    )
    sv = bootstrap(settings)
    await migrate(sv.runtime.engine, [MIGRATIONS])
    return sv


async def _supervision(sv: App, url: str) -> int:
    """Start the service's consumers (as the baseline starts its own) until the round is in."""
    raw = await asyncpg.connect(url)
    before = await raw.fetchval("SELECT count(*) FROM supervision_inbox")
    await sv.runtime.start()
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if await raw.fetchval("SELECT count(*) FROM supervision_inbox") >= before + EVENTS:
                return EVENTS
            await asyncio.sleep(0.02)
        raise TimeoutError("supervision's consumer did not apply the round in time")
    finally:
        await raw.close()
        await sv.runtime.stop()

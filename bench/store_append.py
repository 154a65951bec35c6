"""`store_append`: one command = one transaction appending one event to a new stream.

Three contenders with the same writers, interleaved: raw asyncpg (BEGIN, INSERT the event,
INSERT its outbox row, COMMIT), onewindow's `EventStore.append` under a SQLAlchemy unit of
work, and the `eventsourcing` library's PostgreSQL application saving one new aggregate.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from bench.common import PAYLOAD, Noted, database, interleaved, run_concurrently
from libs.events.db import make_engine, migrate
from libs.events.kafka import KafkaSettings
from libs.events.store import EventStore

WRITERS = 8
COMMANDS = int(os.environ.get("BENCH_APPENDS", "2000"))
RAW_EVENT = (
    "INSERT INTO events (event_id, stream_id, version, type, data, center, traceparent,"
    " recorded_at, prev_hash, hash) VALUES ($1, $2, 1, 'onewindow.bench.noted.v1', $3::json,"
    " '350500', $4, $5, '', '')"
)
RAW_OUTBOX = (
    "INSERT INTO outbox (event_id, topic, key, headers, value, created_at)"
    " VALUES ($1, 'case-events', $2, '[]'::json, $3, $4)"
)


def _eventsourcing_app(url: str) -> Any:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Note(Aggregate):
        @event("Noted")
        def __init__(self, n: int, text: str) -> None:
            self.n = n
            self.text = text

    parts = urlsplit(url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "postgres",
        "POSTGRES_POOL_SIZE": str(WRITERS),
    }
    app = Application(env=env)
    return app, Note


async def bench_store_append() -> dict[str, Any]:
    """The three contenders on three databases of the same server."""
    async with database("raw") as raw_url, database("ow") as ow_url, database("es") as es_url:
        engine = make_engine(ow_url, pool_size=WRITERS)
        await migrate(engine)
        raw_engine = make_engine(raw_url)
        await migrate(raw_engine)  # the same tables, without the store in front
        await raw_engine.dispose()
        store = EventStore(center="350500", service="bench", kafka=KafkaSettings())
        pool = await asyncpg.create_pool(raw_url, min_size=WRITERS, max_size=WRITERS)
        app, note = _eventsourcing_app(es_url)
        threads = ThreadPoolExecutor(WRITERS)
        value = json.dumps({"n": 1, "text": PAYLOAD})

        async def raw_one(i: int) -> None:
            now, event_id, stream = datetime.now(UTC), str(uuid.uuid4()), f"raw-{uuid.uuid4()}"
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(RAW_EVENT, event_id, stream, value, "00-" + "0" * 49, now)
                await conn.execute(RAW_OUTBOX, event_id, stream, value.encode(), now)

        async def ow_one(i: int) -> None:
            async with engine.begin() as conn:
                await store.append(conn, f"case-{uuid.uuid4()}", 0, [Noted(n=i, text=PAYLOAD)])

        async def es_one(i: int) -> None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(threads, lambda: app.save(note(n=i, text=PAYLOAD)))

        try:
            results = await interleaved(
                [
                    ("raw", lambda: run_concurrently(COMMANDS, WRITERS, raw_one)),
                    ("onewindow", lambda: run_concurrently(COMMANDS, WRITERS, ow_one)),
                    ("eventsourcing", lambda: run_concurrently(COMMANDS, WRITERS, es_one)),
                ]
            )
        finally:
            threads.shutdown()
            app.close()
            await pool.close()
            await engine.dispose()
    raw, ow, es = (results[k] for k in ("raw", "onewindow", "eventsourcing"))
    return {
        "writers": WRITERS,
        "commands_per_round": COMMANDS,
        "raw_asyncpg_per_s": round(raw.median),
        "onewindow_per_s": round(ow.median),
        "eventsourcing_per_s": round(es.median),
        "ratio_vs_raw": round(ow.median / raw.median, 3),
        "ratio_vs_eventsourcing": round(ow.median / es.median, 3),
        "cpu_ms_per_1000": {
            "raw_asyncpg": raw.cpu_per_1000(COMMANDS),
            "onewindow": ow.cpu_per_1000(COMMANDS),
            "eventsourcing": es.cpu_per_1000(COMMANDS),
        },
        "rounds": {"raw": raw.rounded, "onewindow": ow.rounded, "eventsourcing": es.rounded},
    }

"""Replay a province-day of synthetic load against one node, scaled, and say what saturates first.

A province: 10^8 cases a year, ~400,000 a working day, ~150 cases/s and ~1,500 events/s at
the peak hour. The day's shape (share of the day's cases per hour) is compressed to
`HOUR_SECONDS` a simulated hour and scaled by `SCALE` (the node's share of the province). Each
case is submitted -> accepted -> decided as three events appended to the event store; the relay
publishes them to `case-events`; supervision's consumer projects them. Per hour the report
gives what was offered and what each stage reached, and backlogs at the end of the hour; the
first stage to fall behind is where this node saturates.

    .venv/bin/python bench/province.py            # SCALE=0.02 HOUR_SECONDS=2
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.common import database  # noqa: E402
from bench.supervision import _case  # noqa: E402
from libs.events.broker import TansuBroker  # noqa: E402
from libs.events.db import make_engine, migrate, outbox  # noqa: E402
from libs.events.kafka import KafkaSettings  # noqa: E402
from libs.events.outbox import OutboxRelay  # noqa: E402
from libs.events.store import EventStore  # noqa: E402
from services.supervision.bootstrap import MIGRATIONS, bootstrap  # noqa: E402
from services.supervision.config import Settings  # noqa: E402

PEAK_EVENTS_PER_S = 1_500
# Share of the day's cases in each hour (a hall opens 8:30-12:00 and 14:00-17:30; online all day).
SHAPE = [
    0.2,
    0.1,
    0.1,
    0.1,
    0.1,
    0.3,
    0.8,
    2,
    8,
    12,
    12,
    9,
    3,
    3,
    9,
    12,
    11,
    7,
    3,
    2,
    1.5,
    1.2,
    0.9,
    0.5,
]
SCALE = float(os.environ.get("SCALE", "0.02"))
HOUR_SECONDS = float(os.environ.get("HOUR_SECONDS", "2"))
WRITERS = 16


async def simulate() -> dict[str, Any]:
    """The day hour by hour; stages: append, relay, projection."""
    with TansuBroker() as broker:
        kafka = KafkaSettings(
            kafka_bootstrap_servers=broker.bootstrap,
            kafka_topic_prefix=f"province-{uuid.uuid4().hex[:6]}-",
            kafka_session_timeout_ms=1000,
            kafka_heartbeat_interval_ms=200,
        )
        async with database("province_intake") as intake_url, database("province_sv") as sv_url:
            return await _day(kafka, intake_url, sv_url)


async def _day(kafka: KafkaSettings, intake_url: str, sv_url: str) -> dict[str, Any]:
    engine = make_engine(intake_url, pool_size=WRITERS)
    await migrate(engine)
    store = EventStore(center="350500", service="intake", kafka=kafka)
    await kafka.ensure_topics("case-events", "supervision-events")
    producer = kafka.producer()
    await producer.start()
    relay = OutboxRelay(engine, producer, interval=0.05)
    relay.start()
    sv = bootstrap(_sv_settings(kafka, sv_url))
    await migrate(sv.runtime.engine, [MIGRATIONS])
    await sv.runtime.start()
    projected = await asyncpg.connect(sv_url)
    hours: list[dict[str, Any]] = []
    try:
        peak_share = max(SHAPE)
        for hour, share in enumerate(SHAPE):
            rate = PEAK_EVENTS_PER_S * SCALE * share / peak_share
            hours.append(await _hour(hour, rate, engine, store, relay, projected))
            print(json.dumps(hours[-1]), flush=True)
    finally:
        await projected.close()
        await sv.runtime.stop()
        await relay.stop()
        await producer.stop()
        await engine.dispose()
    return _report(hours)


def _sv_settings(kafka: KafkaSettings, url: str) -> Settings:
    return Settings(
        database_url=url,
        kafka_bootstrap_servers=kafka.kafka_bootstrap_servers,
        kafka_topic_prefix=kafka.kafka_topic_prefix,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
        tick_interval_seconds=3600,
    )


async def _hour(
    hour: int, rate: float, engine: Any, store: EventStore, relay: Any, projected: Any
) -> dict[str, Any]:
    """Offer `rate` events/s for HOUR_SECONDS (whole cases of three events, open loop)."""
    before = await _counts(engine, projected)
    cases = max(0, round(rate * HOUR_SECONDS / 3))
    slots, tasks, started = asyncio.Semaphore(WRITERS), [], time.perf_counter()
    at = datetime.now(UTC)

    async def one_case(n: int) -> None:
        async with slots:
            case_id = f"case-{uuid.uuid4()}"
            for version, event in enumerate(_case(case_id, n, at)):
                async with engine.begin() as conn:
                    await store.append(conn, case_id, version, [event])
                relay.notify()

    for n in range(cases):
        await asyncio.sleep(
            max(0.0, started + n * HOUR_SECONDS / max(cases, 1) - time.perf_counter())
        )
        tasks.append(asyncio.create_task(one_case(n)))
    await asyncio.sleep(max(0.0, started + HOUR_SECONDS - time.perf_counter()))
    after = await _counts(engine, projected)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    reached = {
        k: round((after[k] - before[k]) / elapsed, 1)
        for k in ("appended", "published", "projected")
    }
    return {
        "hour": hour,
        "offered_per_s": round(rate, 1),
        **{f"{k}_per_s": v for k, v in reached.items()},
        "backlog": {
            "unappended": cases * 3 - (after["appended"] - before["appended"]),
            "outbox": after["appended"] - after["published"],
            "projection": after["published"] - after["projected"],
        },
    }


async def _counts(engine: Any, projected: Any) -> dict[str, int]:
    async with engine.connect() as conn:
        appended = (await conn.execute(select(func.count()).select_from(outbox))).scalar_one()
        unsent = (
            await conn.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))
        ).scalar_one()
    inbox = await projected.fetchval("SELECT count(*) FROM supervision_inbox")
    return {"appended": appended, "published": appended - unsent, "projected": int(inbox)}


def _report(hours: list[dict[str, Any]]) -> dict[str, Any]:
    """The first hour and stage that fell behind (reached < 90% offered or a backlog beyond a
    second of offered load), and what that means for the province."""
    first: dict[str, Any] | None = None
    for h in hours:
        allowance = max(3.0, h["offered_per_s"])
        behind = [s for s, n in h["backlog"].items() if n > allowance]
        if behind and first is None:
            stage = {"unappended": "append", "outbox": "relay", "projection": "projection"}[
                behind[0]
            ]
            first = {"hour": h["hour"], "stage": stage, "offered_per_s": h["offered_per_s"]}
    best = {s: max(h[f"{s}_per_s"] for h in hours) for s in ("appended", "published", "projected")}
    return {
        "scale": SCALE,
        "hour_seconds": HOUR_SECONDS,
        "province_peak_events_per_s": PEAK_EVENTS_PER_S,
        "node_peak_offered_per_s": PEAK_EVENTS_PER_S * SCALE,
        "saturates_first": first,
        "best_reached_per_s": best,
        "hours": hours,
    }


if __name__ == "__main__":
    report = asyncio.run(simulate())
    out = ROOT / "var" / "bench" / "province.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "hours"}, indent=2))

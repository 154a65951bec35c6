"""`end_to_end`: accept's 2xx -> the case's light readable in supervision, at a given rate.

Cases are submitted and accepted open loop at the rate asked. One watcher asks supervision's
database every 10 ms which of the waiting cases have their light (the row `GET .../light`
reads), then each seen case is read once through `GET /v1/cases/{id}/light`: the time counts
only when that read answers 200 (else the case is read again until it does, and the time is
that read's). Polling each case over HTTP every 10 ms cost more than the work measured: at
50 waiting cases it was 5,000 requests a second on the same 2 cores.

Beside the latency: the accept rate achieved (when intake cannot take the rate asked, cases
queue in the bench before their accept and the figure is about a slower rate), and where the
time goes: accept -> the relay's broker ack of the accepted event (intake's outbox `sent_at`),
then -> readable in supervision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from bench.common import percentile

POLL_S = 0.01
WAIT_S = 60.0


class Watcher:
    """The waiting cases; one query a poll finds those whose light was committed."""

    def __init__(self, sv_db: str) -> None:
        self.sv_db = sv_db
        self.waiting: dict[str, asyncio.Future[float]] = {}

    def wait_for(self, case_id: str) -> asyncio.Future[float]:
        """A future set to the wall-clock time the case's light was first seen."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[case_id] = future
        return future

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stopped."""
        conn = await asyncpg.connect(self.sv_db)
        try:
            while not stop.is_set():
                if self.waiting:
                    ids = list(self.waiting)
                    rows = await conn.fetch(
                        "SELECT case_id FROM lights WHERE part = '' AND case_id = ANY($1)", ids
                    )
                    seen = time.time()
                    for row in rows:
                        self.waiting.pop(row["case_id"]).set_result(seen)
                await asyncio.sleep(POLL_S)
        finally:
            await conn.close()


async def _readable(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], seen: float
) -> float:
    """The time the light answered 200: `seen` when the first read does."""
    while True:
        light = await http.get(url, headers=headers)
        if light.status_code == 200:
            return seen
        await asyncio.sleep(POLL_S)
        seen = time.time()


async def run_at(
    rate: float,
    seconds: float,
    *,
    http: httpx.AsyncClient,
    urls: dict[str, str],
    accept: Callable[[], Awaitable[str]],
    supervisor: dict[str, str],
) -> dict[str, Any]:
    """Accept `rate` cases a second for `seconds`; the latencies and the stages."""
    watcher, stop = Watcher(urls["supervision_db"]), asyncio.Event()
    accepted: dict[str, float] = {}
    readable: dict[str, float] = {}

    async def one() -> None:
        case_id = await accept()
        accepted[case_id] = time.time()
        seen = await asyncio.wait_for(watcher.wait_for(case_id), WAIT_S)
        url = f"{urls['supervision']}/v1/cases/{case_id}/light"
        readable[case_id] = await _readable(http, url, supervisor, seen)

    watching = asyncio.create_task(watcher.run(stop))
    started, tasks = time.perf_counter(), []
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one()))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    stop.set()
    await watching
    first = min(accepted.values(), default=0.0)
    last = max(accepted.values(), default=0.0)
    sent = await _sent(urls["intake_db"], list(accepted))
    return {
        "rate_per_s": rate,
        "achieved_per_s": round((len(accepted) - 1) / (last - first), 1) if last > first else None,
        "cases": len(tasks),
        "seen": len(readable),
        "failed": sum(isinstance(r, BaseException) for r in results),
        **_latencies(accepted, readable, sent),
    }


def _latencies(
    accepted: dict[str, float], readable: dict[str, float], sent: dict[str, float]
) -> dict[str, Any]:
    total = [(readable[c] - accepted[c]) * 1000 for c in readable]
    relay = [(sent[c] - accepted[c]) * 1000 for c in readable if c in sent]
    after = [(readable[c] - sent[c]) * 1000 for c in readable if c in sent]

    def p(values: list[float], q: float) -> float | None:
        return round(percentile(values, q), 1) if values else None

    return {
        "p50_ms": p(total, 50),
        "p99_ms": p(total, 99),
        "relay_p50_ms": p(relay, 50),
        "relay_p99_ms": p(relay, 99),
        "supervision_p50_ms": p(after, 50),
        "supervision_p99_ms": p(after, 99),
    }


async def _sent(intake_db: str, case_ids: list[str]) -> dict[str, float]:
    """When the broker acknowledged each case's last outbox row (its accepted event)."""
    conn = await asyncpg.connect(intake_db)
    try:
        rows = await conn.fetch(
            "SELECT key, max(sent_at) AS sent FROM outbox WHERE key = ANY($1) GROUP BY key",
            case_ids,
        )
    finally:
        await conn.close()
    return {r["key"]: r["sent"].timestamp() for r in rows if r["sent"] is not None}

"""`intake_http` and `end_to_end`: the services as uvicorn processes on PostgreSQL and the broker.

`intake_http`: submit + accept per case at concurrency 32 against intake, interleaved with a
bare FastAPI endpoint doing one INSERT + COMMIT under the same uvicorn settings.
`end_to_end` (bench/end_to_end.py): cases accepted open loop at 50 cases/s, then at half the
rate intake sustained; the time from accept's 2xx until the case's light can be read from
supervision, and where it goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx

from bench import end_to_end
from bench.common import SERVICE_PIDS, Measured, database, measure, percentile, run_concurrently
from libs.events.auth import issue_dev_token
from libs.events.broker import free_port

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 32
CASES = int(os.environ.get("BENCH_HTTP_CASES", "300"))
E2E_RATE = 50
E2E_SECONDS = float(os.environ.get("BENCH_E2E_SECONDS", "6"))
ITEM = {
    "name": "食品经营许可",
    "department": "SCJG",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [{"code": "APP", "name": "申请书", "required": True, "key": True}],
    "deemed_approval": False,
    "online": True,
}
APPLICANT = {
    "name": "张三",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13800138000",
}


def _auth(role: str) -> dict[str, str]:
    token = issue_dev_token(sub=f"{role}-1", role=role, center="350500", department="SCJG")
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def uvicorn(app: str, env: dict[str, str]) -> Iterator[str]:
    """One uvicorn process (the services' settings: one worker, httptools, uvloop)."""
    port = free_port()
    log = (ROOT / "var" / "bench" / f"{app.split('.')[-2]}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--timeout-keep-alive",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, "LOG_FORMAT": "text", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    SERVICE_PIDS.add(proc.pid)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)  # a process starting: nothing to await on
        else:
            raise RuntimeError(f"{app} did not become ready (var/bench/*.log)")
        yield url
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@contextlib.asynccontextmanager
async def services(bootstrap: str) -> AsyncIterator[dict[str, str]]:
    """Intake, supervision and the bare app, each on its own database."""
    async with (
        database("intake") as intake_db,
        database("sv") as sv_db,
        database("bare") as bare_db,
    ):
        kafka = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_TOPIC_PREFIX": f"bench-http-{os.getpid()}-",
        }
        kafka |= {"KAFKA_SESSION_TIMEOUT_MS": "1000", "KAFKA_HEARTBEAT_INTERVAL_MS": "200"}
        with (
            uvicorn("services.intake.main:app", {**kafka, "DATABASE_URL": intake_db}) as intake,
            uvicorn("services.supervision.main:app", {**kafka, "DATABASE_URL": sv_db}) as sv,
            uvicorn("bench.bare_app:app", {"DATABASE_URL": bare_db}) as bare,
        ):
            yield {
                "intake": intake,
                "supervision": sv,
                "bare": bare,
                "intake_db": intake_db,
                "supervision_db": sv_db,
            }


class Clients:
    """One httpx client per concurrent caller. Sharing one client's pool among 32 callers cost
    the bench ~4.5 ms of CPU a request against the bare endpoint (~1.2 ms with a client each),
    on the cores the services run on: the bare figure was mostly the client's."""

    def __init__(self, count: int) -> None:
        self.free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for _ in range(count):
            self.free.put_nowait(httpx.AsyncClient(timeout=60))

    @contextlib.asynccontextmanager
    async def one(self) -> AsyncIterator[httpx.AsyncClient]:
        """A free client, for one caller's requests."""
        client = await self.free.get()
        try:
            yield client
        finally:
            self.free.put_nowait(client)

    async def aclose(self) -> None:
        """Close every client."""
        while not self.free.empty():
            await self.free.get_nowait().aclose()


async def _case(clients: Clients, intake: str) -> tuple[str, float]:
    body = {"item_code": "B-1", "applicant": APPLICANT, "materials": ["APP"], "channel": "window"}
    async with clients.one() as http:
        posted = await http.post(f"{intake}/v1/cases", json=body, headers=_auth("clerk"))
        posted.raise_for_status()
        case_id = posted.json()["case_id"]
        accepted = await http.post(
            f"{intake}/v1/cases/{case_id}/accept", json={}, headers=_auth("clerk")
        )
        accepted.raise_for_status()
    return case_id, time.perf_counter()


async def bench_http(bootstrap: str) -> dict[str, Any]:
    """Both figures on one set of processes."""
    async with services(bootstrap) as urls:
        clients = Clients(CONCURRENCY)
        limits = httpx.Limits(max_connections=CONCURRENCY * 2)
        async with httpx.AsyncClient(limits=limits, timeout=60) as http:
            put = await http.put(
                f"{urls['intake']}/v1/catalog/items/B-1", json=ITEM, headers=_auth("admin")
            )
            put.raise_for_status()
            try:
                intake_http = await _intake_http(clients, urls)
                e2e = await _end_to_end(clients, http, urls, intake_http["cases_per_s"])
            finally:
                await clients.aclose()
    return {"intake_http": intake_http, "end_to_end": e2e}


async def _intake_http(clients: Clients, urls: dict[str, str]) -> dict[str, Any]:
    latencies: list[float] = []

    async def one_case(_: int) -> None:
        started = time.perf_counter()
        await _case(clients, urls["intake"])
        latencies.append((time.perf_counter() - started) * 1000)

    async def one_bare(_: int) -> None:
        async with clients.one() as http:
            (await http.post(f"{urls['bare']}/v1/bare", json={"n": 1})).raise_for_status()

    cases, bare = Measured(), Measured()
    for _ in range(int(os.environ.get("BENCH_ROUNDS", "3"))):
        await measure(lambda: run_concurrently(CASES, CONCURRENCY, one_case), cases)
        await measure(lambda: run_concurrently(CASES, CONCURRENCY, one_bare), bare)
    return {
        "concurrency": CONCURRENCY,
        "cases_per_round": CASES,
        "cases_per_s": round(cases.median, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "bare_per_s": round(bare.median, 1),
        "ratio": round(cases.median / bare.median, 3),
        "cpu_ms_per_1000": {"cases": cases.cpu_per_1000(CASES), "bare": bare.cpu_per_1000(CASES)},
    }


async def _end_to_end(
    clients: Clients, http: httpx.AsyncClient, urls: dict[str, str], intake_per_s: float
) -> dict[str, Any]:
    """At E2E_RATE cases/s (the target's rate), then at half the rate intake sustained in this
    run (what the whole system is measured at when it cannot take E2E_RATE)."""
    supervisor = _auth("supervisor")

    async def accept() -> str:
        return (await _case(clients, urls["intake"]))[0]

    async def at(rate: float) -> dict[str, Any]:
        return await end_to_end.run_at(
            rate, E2E_SECONDS, http=http, urls=urls, accept=accept, supervisor=supervisor
        )

    target = await at(E2E_RATE)
    sustained = float(os.environ.get("BENCH_E2E_SUSTAINED_RATE", 0)) or round(intake_per_s / 2, 1)
    return {**target, "poll_ms": end_to_end.POLL_S * 1000, "at_half_intake": await at(sustained)}

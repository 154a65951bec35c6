"""What every benchmark shares: rounds and medians, CPU per process, throwaway databases."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from libs.events.registry import CASE_EVENTS, Event, Registry

ADMIN = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SERVICE_PIDS: set[int] = set()  # the service processes this bench started
CLK_TCK = os.sysconf("SC_CLK_TCK")
types = Registry()


@types.register("onewindow.bench.noted.v1", topic=CASE_EVENTS)
class Noted(Event):
    """The benchmarks' event: a number and some Chinese text, about 200 bytes."""

    n: int
    text: str


PAYLOAD = "受理" * 50


def process_cpu() -> dict[str, float]:
    """CPU seconds so far of this process, the PostgreSQL server and the broker."""
    totals = {"bench": time.process_time(), "postgres": 0.0, "broker": 0.0, "services": 0.0}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / CLK_TCK
        kind = _kind(name, entry)
        if kind:
            totals[kind] += seconds
    return totals


def _kind(name: str, entry: Path) -> str | None:
    if name == "postgres" or name.startswith("postgres"):
        return "postgres"
    if name == "tansu":
        return "broker"
    return "services" if int(entry.name) in SERVICE_PIDS else None


@dataclass
class Measured:
    """One figure's runs: throughput per round, CPU seconds per process per round."""

    rates: list[float] = field(default_factory=list)
    cpu: list[dict[str, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median rate."""
        return statistics.median(self.rates)

    @property
    def rounded(self) -> list[int]:
        """Each round's rate, rounded."""
        return [round(r) for r in self.rates]

    def cpu_per_1000(self, count: int) -> dict[str, float]:
        """Median CPU milliseconds per 1,000 units of work, per process."""
        kinds = self.cpu[0].keys()
        return {k: round(statistics.median(c[k] for c in self.cpu) / count * 1e6, 1) for k in kinds}


async def measure(work: Callable[[], Awaitable[int]], into: Measured) -> None:
    """Run `work` once (it returns the units of committed work) and record rate and CPU."""
    before, start = process_cpu(), time.perf_counter()
    done = await work()
    elapsed = time.perf_counter() - start
    after = process_cpu()
    into.rates.append(done / elapsed)
    into.cpu.append({k: after[k] - before[k] for k in after})


async def interleaved(
    contenders: Sequence[tuple[str, Callable[[], Awaitable[int]]]], rounds: int = ROUNDS
) -> dict[str, Measured]:
    """Each contender once per round, in turn, for `rounds` rounds."""
    results = {name: Measured() for name, _ in contenders}
    for _ in range(rounds):
        for name, work in contenders:
            await measure(work, results[name])
    return results


async def run_concurrently(count: int, writers: int, one: Callable[[int], Awaitable[Any]]) -> int:
    """`one(i)` for i in range(count) on `writers` concurrent tasks; returns `count`."""
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            await one(i)

    await asyncio.gather(*(worker() for _ in range(writers)))
    return count


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@asynccontextmanager
async def database(label: str) -> AsyncIterator[str]:
    """A fresh database on the benchmark server; its `postgresql://` URL."""
    name = f"ow_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

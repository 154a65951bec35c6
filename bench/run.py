"""`make bench`: every figure beside its baseline, measured in the same run, as JSON.

Each section runs its contenders interleaved, `BENCH_ROUNDS` (3) rounds, and reports medians
of committed work per second, with the CPU each process spent (this process, PostgreSQL, the
broker, the service processes: they share the machine's cores). `BENCH_SCALE` caps the sizes
(`small` for a smoke run, `full` for 1,000,000 open cases and events). Results go to
var/bench/latest.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.projection import bench_projection  # noqa: E402
from bench.relay import bench_relay  # noqa: E402
from bench.store_append import bench_store_append  # noqa: E402
from bench.supervision import bench_rebuild, bench_tick  # noqa: E402
from bench.web import bench_http  # noqa: E402
from libs.events.broker import TansuBroker  # noqa: E402

Section = Callable[[str], Awaitable[dict[str, Any]]]


def single(name: str, run: Callable[[str], Awaitable[dict[str, Any]]]) -> Section:
    """A section that gives one figure."""

    async def section(bootstrap: str) -> dict[str, Any]:
        return {name: await run(bootstrap)}

    return section


# Each section gives one or more of the figures (the top-level keys of latest.json).
SECTIONS: dict[str, Section] = {
    "store_append": single("store_append", lambda _: bench_store_append()),
    "relay": single("relay", bench_relay),
    "projection": single("projection", bench_projection),
    "http": bench_http,  # intake_http and end_to_end, on one set of service processes
    "tick": single("tick", lambda _: bench_tick()),
    "rebuild": single("rebuild", lambda _: bench_rebuild()),
}
FIGURES = ("store_append", "relay", "projection", "intake_http", "end_to_end", "tick", "rebuild")
OUT = ROOT / "var" / "bench" / "latest.json"


async def main(only: list[str]) -> dict[str, Any]:
    """Run the chosen sections (all by default) against one broker; write and print them."""
    results: dict[str, Any] = {}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with TansuBroker() as broker:
        for name, section in SECTIONS.items():
            if only and name not in only:
                continue
            started = time.perf_counter()
            figures = await section(broker.bootstrap)
            for key, value in figures.items():
                value["seconds_taken"] = round(time.perf_counter() - started, 1)
                print(f"{key}: {json.dumps(value, ensure_ascii=False)}", flush=True)
            results |= figures
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written to {OUT.relative_to(ROOT)}")
    return results


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or os.environ.get("BENCH_ONLY", "").split()))

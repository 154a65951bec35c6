"""Outages during load: the broker SIGSTOPped for 20 s, then PostgreSQL (the test's own
cluster) stopped and started again. Meanwhile every service answers /readyz 503 and writes 503
with Retry-After, never a hang and never a 500; afterwards everything catches up, nothing
lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.chaos import checks
from tests.chaos.load import Figures, publish_item, run_load
from tests.chaos.node import Node, destroy, make_node
from tests.support.processes import SERVICES

TIMEOUT = 900  # seconds, on a loaded machine (the default 300 is for one ordinary test)
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(TIMEOUT)]

CASES = int(os.environ.get("CHAOS_OUTAGE_CASES", "120"))
CLIENTS = 8
BROKER_STOPPED = 20.0
DATABASE_DOWN = 10.0
HANG = 15.0  # a readiness probe unanswered this long is a hang (its checks take 2 s each)
READY_WITHIN = 90.0


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    made = await make_node(tmp_path)
    try:
        await made.start(within=READY_WITHIN)
        yield made
    finally:
        destroy(made)


@dataclass
class Readiness:
    """What /readyz answered per service while an outage lasted."""

    statuses: dict[str, set[int]] = field(default_factory=dict)
    hangs: list[str] = field(default_factory=list)


async def probe_while(node: Node, outage: asyncio.Event, seen: Readiness) -> None:
    """Ask every service's /readyz every half second while `outage` is set."""
    async with httpx.AsyncClient(timeout=HANG) as http:
        while outage.is_set():
            for service in SERVICES:
                try:
                    answer = await http.get(node.url(service, "/readyz"))
                    seen.statuses.setdefault(service, set()).add(answer.status_code)
                except httpx.TimeoutException:
                    seen.hangs.append(f"{service} /readyz")
                except httpx.TransportError:
                    seen.statuses.setdefault(service, set()).add(0)
            await asyncio.sleep(0.5)


async def during(
    node: Node, seconds: float, begin: Callable[[], None], end: Callable[[], None]
) -> Readiness:
    """An outage of `seconds`: readiness is probed from a moment after it began to its end."""
    seen, outage = Readiness(), asyncio.Event()
    begin()
    await asyncio.sleep(3)  # the probe's own 2 s limit passes before readiness can tell
    outage.set()
    probing = asyncio.create_task(probe_while(node, outage, seen))
    await asyncio.sleep(seconds - 3)
    outage.clear()
    await probing
    end()
    return seen


async def progressed(figures: Figures, step: str, beyond: int, within: float) -> None:
    """Until more than `beyond` answers of `step` arrived: the load is running."""
    deadline = time.monotonic() + within
    while figures.answered[step] <= beyond:
        assert time.monotonic() < deadline, f"the load made no progress: {figures.answered}"
        await asyncio.sleep(0.5)


async def outages(node: Node, figures: Figures) -> tuple[Readiness, Readiness, Figures]:
    """The broker's outage, then the database's, each with load before it."""
    await progressed(figures, "decide", 3, within=300)
    assert node.broker.process is not None
    broker = node.broker.process
    stopped = await during(
        node,
        BROKER_STOPPED,
        lambda: broker.send_signal(signal.SIGSTOP),
        lambda: broker.send_signal(signal.SIGCONT),
    )
    await progressed(figures, "decide", figures.answered["decide"] + 3, within=300)
    before = Figures(statuses=figures.statuses.copy())
    down = await during(node, DATABASE_DOWN, node.postgres.stop, node.postgres.start)
    return stopped, down, before


async def test_services_refuse_cleanly_during_outages_and_catch_up(node: Node) -> None:
    await publish_item(node)
    figures = Figures()
    load = asyncio.create_task(
        run_load(node, cases=CASES, clients=CLIENTS, per_case=3, figures=figures)
    )
    faults: asyncio.Task[tuple[Readiness, Readiness, Figures]] = asyncio.create_task(
        outages(node, figures)
    )
    await asyncio.wait([load, faults], return_when=asyncio.FIRST_EXCEPTION)
    stopped, down, before = await faults
    seconds = await load
    caught_up = await checks.wait_caught_up(node, CASES, within=120 + CASES)

    for name, seen in (("broker stopped", stopped), ("database down", down)):
        assert seen.hangs == [], f"{name}: {seen.hangs}"
        not_ready = {s: codes for s, codes in seen.statuses.items() if codes - {503}}
        assert set(seen.statuses) == set(SERVICES) and not not_ready, f"{name}: {seen.statuses}"
    refused = figures.statuses[503] - before.statuses[503]
    assert refused > 0, "writes during the database outage were answered 503"
    assert figures.without_retry_after == 0 and figures.server_errors == []
    assert figures.timeouts == 0, f"{figures.timeouts} requests unanswered within 30 s (hangs)"
    states = await checks.same_state_everywhere(node, figures.cases)
    assert states == {"approved": CASES}
    counts = await checks.each_event_once(node, set(figures.cases))
    rebuilt = checks.projections_equal_rebuilds(node)
    print(
        f"\noutages: {CASES} cases in {seconds:.0f}s with the broker stopped {BROKER_STOPPED:.0f}s"
        f" and PostgreSQL down {DATABASE_DOWN:.0f}s; /readyz 503 on every service during both;"
        f" {refused} requests answered 503 with Retry-After, 0 hangs, 0 server errors;"
        f" slowest request {figures.slowest:.1f}s; caught up {caught_up:.1f}s after the load"
        f"\n  events once: {counts}; lost 0, doubled 0\n  " + "\n  ".join(rebuilt)
    )

"""Crash consistency under load: cases run through the four services while each service in
turn is SIGKILLed and started again; afterwards nothing answered 2xx is lost and nothing is
doubled. CHAOS_CASES cases (2,000 under `make chaos`) over CHAOS_CLIENTS clients."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.chaos import checks
from tests.chaos.load import Figures, publish_item, run_load
from tests.chaos.node import Node, destroy, make_node
from tests.support.processes import SERVICES

pytestmark = pytest.mark.chaos

CASES = int(os.environ.get("CHAOS_CASES", "200"))
CLIENTS = int(os.environ.get("CHAOS_CLIENTS", "16"))
PER_CASE = float(os.environ.get("CHAOS_SECONDS_PER_CASE", "2"))  # on a loaded machine
READY_WITHIN = 90.0
PAUSE = float(os.environ.get("CHAOS_KILL_PAUSE", "10"))  # seconds of load between two kills
KILL = os.environ.get("CHAOS_KILL", "1") == "1"


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    made = await make_node(tmp_path)
    try:
        await made.start(within=READY_WITHIN)
        yield made
    finally:
        destroy(made)


async def kill_in_turn(node: Node, done: asyncio.Event, kills: list[str]) -> None:
    """SIGKILL each service in turn, start it again, let the load run a moment, repeat."""
    for name in itertools.cycle(SERVICES):
        if done.is_set() or not KILL:
            return
        await node.restart(name, within=READY_WITHIN)
        kills.append(name)
        with contextlib.suppress(TimeoutError):  # the load runs on the restarted service
            await asyncio.wait_for(done.wait(), PAUSE)


@pytest.mark.timeout(900 + 3 * CASES)
async def test_no_answered_request_is_lost_or_doubled_while_services_are_killed(
    node: Node,
) -> None:
    await publish_item(node)
    figures, kills, done = Figures(), list[str](), asyncio.Event()
    killer = asyncio.create_task(kill_in_turn(node, done, kills))
    try:
        seconds = await run_load(
            node, cases=CASES, clients=CLIENTS, per_case=PER_CASE, figures=figures
        )
    finally:
        done.set()
        await killer
    caught_up = await checks.wait_caught_up(node, CASES, within=60 + CASES * 0.5)

    assert len(figures.cases) == CASES
    assert set(kills) == set(SERVICES), f"every service killed at least once: {kills}"
    states = await checks.same_state_everywhere(node, figures.cases)
    assert states == {"approved": CASES}
    counts = await checks.each_event_once(node, set(figures.cases))
    assert figures.server_errors == [], figures.server_errors[:3]
    assert figures.without_retry_after == 0
    rebuilt = checks.projections_equal_rebuilds(node)
    print(
        f"\ncrash under load: {CASES} cases by {CLIENTS} clients in {seconds:.0f}s"
        f" ({CASES / seconds:.1f} cases/s), {len(kills)} SIGKILLs survived"
        f" ({', '.join(f'{s} {kills.count(s)}' for s in SERVICES)}), caught up {caught_up:.1f}s"
        f" later\n  2xx answers {dict(figures.answered)}, retries {figures.retries},"
        f" unanswered {figures.unanswered}, timeouts {figures.timeouts},"
        f" statuses {dict(figures.statuses)},"
        f" slowest request {figures.slowest:.1f}s\n  events once: {counts}; lost 0, doubled 0"
        f"\n  " + "\n  ".join(rebuilt)
    )

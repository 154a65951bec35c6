"""Crash windows one by one: a service process is SIGKILLed at one exact point (tests/chaos/
faults.py), started again, and a case's client retries; afterwards every event is once in each
projection and every projection equals a rebuild from the event stores."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.chaos import checks
from tests.chaos.load import Client, Figures, publish_item
from tests.chaos.node import Node, destroy, make_node
from tests.support.kafka import read_topic

TIMEOUT = 600  # seconds, on a loaded machine (the default 300 is for one ordinary test)
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(TIMEOUT)]

READY_WITHIN = 90.0
CASE_WITHIN = 240.0  # one case, with a crash and a restart in its way, on a loaded machine


@pytest.fixture(scope="module")
async def node(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Node]:
    made = await make_node(tmp_path_factory.mktemp("windows"))
    try:
        await made.start(within=READY_WITHIN)
        await publish_item(made)
        yield made
    finally:
        destroy(made)


async def crash_in_window(node: Node, service: str, fault: str, index: int) -> Figures:
    """Start `service` with `fault` armed, run one case until the process has killed itself,
    start it again plainly, and finish the case; wait until everything caught up."""
    target = node.services[service]
    target.stop()
    target.start(fault=fault)
    await target.wait_ready(READY_WITHIN)
    figures = Figures()
    client = Client(node, figures, timeout=30)
    try:
        case = asyncio.create_task(client.run_case(index, deadline=time.monotonic() + CASE_WITHIN))
        code = await asyncio.wait_for(target.wait_dead(), CASE_WITHIN)
        assert code == -9, f"{service} exited with {code}, not by its armed SIGKILL"
        target.start()
        await target.wait_ready(READY_WITHIN)
        await case
    finally:
        await client.close()
    # Every case so far decided: wait for its last event, the delivery, to reach every service.
    await checks.wait_caught_up(node, await checks.cases(node), within=120)
    assert figures.server_errors == []
    return figures


def after_each(counts: dict[str, int], node: Node) -> str:
    rebuilt = checks.projections_equal_rebuilds(node)
    return f"events once: {counts}; " + "; ".join(r.split(":")[0] + " = rebuild" for r in rebuilt)


async def test_relay_killed_after_the_broker_acknowledged_doubles_nothing(node: Node) -> None:
    await crash_in_window(node, "intake", "relay-after-ack", 1)
    sent = await checks.published(node)
    topic = f"{node.prefix}case-events"
    records = await read_topic(node.broker.bootstrap, topic, expect=len(sent.all) + 1, within=60)
    on_topic = Counter(dict(r.headers)["ce_id"].decode() for r in records)
    doubled = [e for e in sent.by_service["intake"] if on_topic[e] > 1]
    assert doubled, "the relay's rows were sent again after the crash (duplicates on the topic)"
    counts = await checks.each_published_once(node)
    print(
        f"\nrelay killed after ack: {len(doubled)} events twice on the topic, once in each"
        f" projection; {after_each(counts, node)}"
    )


async def test_consumer_killed_before_its_offset_commit_applies_nothing_twice(node: Node) -> None:
    await crash_in_window(node, "supervision", "offset-commit", 2)
    counts = await checks.each_published_once(node)
    print(
        f"\nconsumer killed between projection and offset commit: redelivered, applied once;"
        f" {after_each(counts, node)}"
    )


@pytest.mark.parametrize("window", ["before", "after"])
async def test_a_service_killed_mid_append_keeps_one_event_for_the_retried_key(
    node: Node, window: str
) -> None:
    figures = await crash_in_window(node, "intake", f"append-{window}-commit", 3 + len(window))
    [case_id] = figures.cases
    submitted = await checks.events_of(node, "intake", case_id, "onewindow.case.submitted.v1")
    assert submitted == 1, f"exactly one case.submitted for the retried key, found {submitted}"
    # Before COMMIT nothing was kept: the retry makes the case. After it, the retry replays.
    assert figures.replayed == (1 if window == "after" else 0)
    counts = await checks.each_published_once(node)
    print(
        f"\nintake killed {window} COMMIT of a submission: the retry under the same key got"
        f" {'the stored answer' if figures.replayed else 'a new case'}, one event;"
        f" {after_each(counts, node)}"
    )

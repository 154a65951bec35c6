"""Poison messages against the running services: an unparseable record and a schema-invalid
event go to `<topic>.dlq` and are parked while consumption goes on; an event dead-lettered by a
defect of the consumer's schema is applied exactly once by `onewindow dlq replay` after the fix."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord

from libs.events.envelope import Envelope, to_message
from tests.chaos import checks
from tests.chaos.faults import BUG_ITEM
from tests.chaos.load import APPLICANT, CLERK, ITEM, Client, Figures, publish_item
from tests.chaos.node import Node, destroy, make_node
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import bearer

TIMEOUT = 600  # seconds, on a loaded machine (the default 300 is for one ordinary test)
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(TIMEOUT)]

READY_WITHIN = 90.0
GARBAGE = b"\xff\xfe not a CloudEvent"
CONSUMERS = 9


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    made = await make_node(tmp_path)
    try:
        await made.start(within=READY_WITHIN)
        yield made
    finally:
        destroy(made)


async def send_poison(node: Node) -> str:
    """An unparseable record and a case.submitted missing its fields; returns the latter's id."""
    invalid = Envelope(
        type="onewindow.case.submitted.v1",
        source="/centers/350500/intake",
        subject="poison-case",
        center="350500",
        sequence=1,
        data={"case_id": "poison-case"},
    )
    key, headers, value = to_message(invalid)
    producer = AIOKafkaProducer(bootstrap_servers=node.broker.bootstrap, acks="all")
    await producer.start()
    try:
        topic = f"{node.prefix}case-events"
        await producer.send_and_wait(topic, value=GARBAGE, key=b"poison-garbage")
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()
    return invalid.id


async def submit_bug_case(node: Node) -> str:
    """A case of the item supervision's (armed) defect fails on."""
    async with httpx.AsyncClient(timeout=30) as http:
        url = node.url("intake", f"/v1/catalog/items/{BUG_ITEM}")
        put = await http.put(url, json=ITEM, headers=bearer("admin"))
        assert put.status_code in (200, 201), put.text
        body = {"item_code": BUG_ITEM, "applicant": APPLICANT, "materials": ["APP"]}
        posted = await http.post(node.url("intake", "/v1/cases"), json=body, headers=CLERK)
        assert posted.status_code == 201, posted.text
        return str(posted.json()["case_id"])


def parked_rows(node: Node) -> list[dict[str, str]]:
    """`onewindow dlq list --service supervision`, one dict a row."""
    out = checks.onewindow(node, "supervision", "dlq", "list", "--service", "supervision")
    header, *lines = out.strip().splitlines()
    return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]


async def test_poison_goes_to_the_dlq_consumption_goes_on_and_a_fix_is_replayed(
    node: Node,
) -> None:
    await publish_item(node)
    supervision = node.services["supervision"]
    supervision.stop()
    supervision.start(fault="schema-bug")  # a defect deployed
    await supervision.wait_ready(READY_WITHIN)
    invalid_id = await send_poison(node)
    bug_case = await submit_bug_case(node)
    figures = Figures()
    client = Client(node, figures, timeout=30)
    try:  # a good case after the poison: every service goes on with it
        await client.run_case(0, deadline=time.monotonic() + 240)
    finally:
        await client.close()

    async def parked() -> list[dict[str, str]]:
        rows = parked_rows(node)
        reasons = Counter((r["consumer"], r["reason"]) for r in rows)
        wanted = {("supervision-cases", "unparseable"): 1, ("supervision-cases", "invalid"): 2}
        return rows if all(reasons[w] >= n for w, n in wanted.items()) else []

    rows = await eventually(parked, within=120, interval=1)

    # Every consumer of case-events dead-letters the unparseable record (intake's, approval's
    # and supervision's `cases` and `calendar`, linkage's `links`, `webhooks` and `calendar`);
    # the invalid one, each consumer that follows its type; supervision's `cases` also the
    # case its defect refuses.
    async def dead_letters() -> list[ConsumerRecord[bytes, bytes]]:
        topic = f"{node.prefix}case-events.dlq"
        dlq = await read_topic(node.broker.bootstrap, topic, expect=CONSUMERS, within=60)
        garbage = {dict(r.headers)["dlq_consumer"] for r in dlq if r.value == GARBAGE}
        mine = [r for r in dlq if dict(r.headers)["dlq_consumer"] == b"supervision-cases"]
        return dlq if len(garbage) == CONSUMERS and len(mine) == 3 else []

    dlq = await eventually(dead_letters, within=120, interval=1)
    assert {r.value for r in dlq} >= {GARBAGE}
    assert any(dict(r.headers).get("ce_id", b"").decode() == invalid_id for r in dlq)
    assert all(dict(r.headers)["dlq_error"] for r in dlq)
    await checks.wait_caught_up_except(node, 1, parked_stream=bug_case, within=120)

    supervision.stop()
    supervision.start()  # the fix deployed
    await supervision.wait_ready(READY_WITHIN)
    [failed] = [
        r for r in rows if r["consumer"] == "supervision-cases" and r["stream"].endswith(bug_case)
    ]
    replayed = checks.onewindow(
        node, "supervision", "dlq", "replay", "--service", "supervision", "--id", failed["id"]
    )
    assert "dlq: 1 resolved, 0 still parked" in replayed, replayed
    await checks.wait_caught_up(node, 1, within=120)
    counts = await checks.each_published_once(node)
    rebuilt = checks.projections_equal_rebuilds(node)
    left = parked_rows(node)
    mine = Counter(r["reason"] for r in left if r["consumer"] == "supervision-cases")
    assert mine == {"unparseable": 1, "invalid": 1}, left  # the poison stays parked
    assert not [r for r in left if r["stream"].endswith(bug_case)], left
    print(
        f"\npoison: {len(dlq)} records on the DLQ from {CONSUMERS} consumers (each consumer"
        f" dead-letters the unparseable one, each that follows its type the invalid one),"
        f" consumption went on; the event"
        f" a schema defect dead-lettered was replayed once after the fix; events once {counts};"
        f" {'; '.join(r.split(':')[0] + ' = rebuild' for r in rebuilt)}"
    )

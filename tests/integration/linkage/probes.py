"""What the link tests look at on a node: its links, gauges, lights, stores and topics."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from libs.events.db import events, make_engine, outbox
from libs.events.envelope import Envelope, from_message
from tests.integration.linkage.harness import Linkage, Node, worklist
from tests.support.kafka import read_topic
from tests.support.services import bearer


def within(cases: int) -> float:
    """The deadline of a step that handles `cases` cases: a margin and two seconds a case."""
    return 60.0 + 2.0 * cases


async def link(linkage: Linkage, center: str) -> dict[str, Any] | None:
    """`GET /v1/links`: the link to that center (None until it is seen)."""
    return (await linkage.links()).get(center)


async def gauges(linkage: Linkage, center: str) -> dict[str, float]:
    """The link's gauges and alert counter as `/metrics` shows them, by metric name."""
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{linkage.url}/metrics", timeout=5)
    assert response.status_code == 200, response.text
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name.startswith("onewindow_link_") and sample.labels.get("center") == center:
                found[sample.name] = sample.value
    return found


async def link_outbox_doubles(linkage: Linkage) -> list[str]:
    """Event ids a linkage queued more than once for its own broker (republished twice)."""
    engine = make_engine(linkage.env["DATABASE_URL"])
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(outbox.c.event_id, outbox.c.topic)
                .group_by(outbox.c.event_id, outbox.c.topic)
                .having(func.count() > 1)
            )
            return [str(r.event_id) for r in rows]
    finally:
        await engine.dispose()


async def all_green(node: Node, cases: list[str]) -> bool:
    """Every one of these cases has a green light at the node's supervision."""
    response = await node.http["supervision"].get(
        "/v1/lights",
        params={"center": node.center, "limit": "200"},
        headers=bearer("supervisor", center=node.center),
    )
    assert response.status_code == 200, response.text
    colors = {v["case_id"]: v["color"] for v in await _all_pages(node, response)}
    return all(colors.get(c) == "green" for c in cases)


async def _all_pages(node: Node, response: httpx.Response) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = response.json()
    while "Next-Cursor" in response.headers:
        response = await node.http["supervision"].get(
            "/v1/lights",
            params={
                "center": node.center,
                "limit": "200",
                "cursor": response.headers["Next-Cursor"],
            },
            headers=bearer("supervisor", center=node.center),
        )
        items += response.json()
    return items


async def linked_in_worklist(at: Node, cases: list[str], sent_by: str) -> list[dict[str, Any]]:
    """The worklist lines of these cases, once every one is there as a case linked from below."""
    lines = {i["case_id"]: i for i in await worklist(at)}
    found = [lines[c] for c in cases if c in lines]
    ok = len(found) == len(cases) and all(
        (i["center"], i["escalated_from"], i["held_at"]) == (sent_by, sent_by, at.center)
        and i["received_at"]
        for i in found
    )
    return found if ok else []


async def per_case(at: Node, event_type: str, cases: list[str]) -> Counter[str]:
    """How many events of that type each case's stream has in approval's store at the node."""
    engine = at.apps["approval"].state.runtime.engine
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(events.c.stream_id, func.count())
            .where(events.c.type == event_type, events.c.stream_id.in_(cases))
            .group_by(events.c.stream_id)
        )
        return Counter({str(stream): int(count) for stream, count in rows.all()})


async def envelopes(bootstrap: str, topic: str) -> list[Envelope]:
    """What the topic holds now (nothing while it does not exist yet)."""
    return [from_message(r.key, r.headers, r.value or b"") for r in await records(bootstrap, topic)]


async def records(bootstrap: str, topic: str) -> list[Any]:
    """The topic's records now (none while it does not exist yet)."""
    try:
        return await read_topic(bootstrap, topic, expect=1_000_000, within=1.5)  # all of it
    except AssertionError:  # the topic was not created yet
        return []

"""A multi-case run delivered to integrators' webhooks: through a receiver that is down, then
slow; to a masked subscription whose secret rotates; to a filtered one; and a replay."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from libs.events.kafka import KafkaSettings
from tests.integration.linkage.webhooks_harness import (
    ADMIN,
    CaseFeed,
    Missed,
    ReceiverServer,
    counts_are,
    id_no,
    in_order,
    linkage,
    new_secret,
    phone,
    subscribe,
)
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import bearer, new_prefix

pytestmark = pytest.mark.integration
CASES = 200
CONCURRENCY = 8  # the harness's deliveries in flight per subscription
HOTLINE = bearer("integrator", sub="hotline-12345", center="350500")
LAND = bearer("integrator", sub="land-office", center="350521")


def land_filter(feed: CaseFeed, event_id: str, case_id: str) -> bool:
    """What the land office subscribed to: accepted or decided, GTJ, in 350521 or below."""
    n = feed.meta[case_id]
    kind = feed.types[event_id].split(".")[2]
    return kind in ("accepted", "decided") and n % 2 == 0 and n % 3 in (1, 2)


def budget(cases: range) -> float:
    """Seconds allowed for a stretch of the run: it grows with the cases in it."""
    return 15 + 0.5 * len(cases)


async def status_of(http: httpx.AsyncClient, sub: dict[str, Any]) -> str:
    response = await http.get(f"/v1/subscriptions/{sub['id']}", headers=ADMIN)
    return str(response.json()["status"])


async def test_every_event_reaches_each_subscriber_once_in_order_whatever_the_others_do(
    broker, databases
) -> None:
    prefix = new_prefix()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed = CaseFeed(await databases.create("feed"), kafka)
    full, masked, land = ReceiverServer(), ReceiverServer(), ReceiverServer()
    for server in (full, masked, land):
        await server.start()
    try:
        await _run(broker, databases, prefix, feed, full, masked, land)
    finally:
        for server in (full, masked, land):
            await server.stop()


async def _run(
    broker: Any,
    databases: Any,
    prefix: str,
    feed: CaseFeed,
    full: ReceiverServer,
    masked: ReceiverServer,
    land: ReceiverServer,
) -> None:
    a_handled, b_handled, c_handled = (s.handled for s in (full, masked, land))
    thirds = [range(CASES * k // 3, CASES * (k + 1) // 3) for k in range(3)]
    async with (
        feed.running(),
        linkage(databases, broker, prefix, webhook_failing_after_s=0.5) as node,
    ):
        http = node.http
        a = await subscribe(
            http, ADMIN, callback_url=full.url, owner="warehouse", scopes=["personal_data"]
        )
        b = await subscribe(http, HOTLINE, callback_url=masked.url)
        c = await subscribe(
            http,
            LAND,
            callback_url=land.url,
            filters={
                "types": ["onewindow.case.accepted.*", "onewindow.case.decided.*"],
                "centers": ["350521"],  # and the township below it
                "departments": ["GTJ"],
            },
        )
        full.receiver.secrets = [a["secret"]]
        masked.receiver.secrets = [b["secret"]]
        land.receiver.secrets = [c["secret"]]
        assert (
            a["status"] == "active"
            and "secret"
            not in (await http.get(f"/v1/subscriptions/{a['id']}", headers=ADMIN)).json()
        )

        # 1. Everyone up.
        await feed.cases(thirds[0])
        await eventually(lambda: _has(a_handled, feed.all_ids()), within=budget(thirds[0]))

        # 2. The warehouse is down (connection refused); the hotline's secret rotates.
        await full.stop()
        rotated = new_secret()
        response = await http.patch(
            f"/v1/subscriptions/{b['id']}", json={"secret": rotated}, headers=HOTLINE
        )
        assert response.status_code == 200, response.text
        await feed.cases(thirds[1])
        await eventually(lambda: _has(b_handled, feed.all_ids()), within=budget(thirds[1]))
        masked.receiver.secrets = [rotated]  # the hotline switches over, whenever it likes
        await eventually(lambda: _is(status_of(http, a), "failing"), within=20)

        # 3. The warehouse is back but slow (2 s a request); the hotline and land office are not.
        full.delay = 2.0
        await full.start()
        served, last_third_from = full.served, datetime.now(UTC)
        await feed.cases(thirds[2])
        await eventually(lambda: _has(b_handled, feed.all_ids()), within=budget(thirds[2]))
        await eventually(lambda: _true(full.served >= served + 16), within=30)
        full.delay = 0.0
        await eventually(lambda: _has(a_handled, feed.all_ids()), within=budget(range(CASES)))
        await eventually(lambda: _is(status_of(http, a), "active"), within=10)

        assert in_order(a_handled) == feed.expected
        assert in_order(b_handled) == feed.expected
        assert full.receiver.rejected == masked.receiver.rejected == 0
        # Cases side by side, never more than the subscription's concurrency.
        assert 1 < full.most_in_flight <= CONCURRENCY
        land_expected = {
            case: wanted
            for case, ids in feed.expected.items()
            if (wanted := [e for e in ids if land_filter(feed, e, case)])
        }
        land_ids = {e for ids in land_expected.values() for e in ids}
        await eventually(lambda: _has(c_handled, land_ids))
        assert in_order(c_handled) == land_expected

        # Only the warehouse, granted personal_data, sees ID numbers and phones whole.
        masked_text = json.dumps([e["data"] for e in b_handled], ensure_ascii=False)
        full_text = json.dumps([e["data"] for e in a_handled], ensure_ascii=False)
        for n in range(CASES):
            assert id_no(n) not in masked_text and phone(n) not in masked_text
            assert id_no(n) in full_text
        assert "350521********" in masked_text and "张**" in masked_text

        # The alert went out on supervision-events.
        alerts = await read_topic(broker.bootstrap, f"{prefix}supervision-events", expect=1)
        failing = [
            r
            for r in alerts
            if dict(r.headers).get("ce_type") == b"onewindow.subscription.failing.v1"
        ]
        assert failing and json.loads(failing[0].value)["subscription_id"] == a["id"]

        # 4. Replays to the land office: from the time the last third began, then after one
        # event id; each re-delivers exactly the later events it passes, in order per case.
        kept = await node.kept_order()
        last_third = {
            e for case, n in feed.meta.items() if n in thirds[2] for e in feed.expected[case]
        }
        pivot = kept[len(kept) // 2]
        for body, again in (
            ({"from_time": last_third_from.isoformat()}, [e for e in kept if e in last_third]),
            ({"after_event_id": pivot}, kept[len(kept) // 2 + 1 :]),
        ):
            await _replays_exactly(http, c, land, body, [e for e in again if e in land_ids], feed)

        everything = {"delivered": len(feed.all_ids())}
        log = await eventually(lambda: counts_are(http, a["id"], everything, ADMIN))
        assert any(d["attempts"] > 1 and d["last_error"] is None for d in log["deliveries"])


async def _replays_exactly(
    http: httpx.AsyncClient,
    sub: dict[str, Any],
    server: ReceiverServer,
    body: dict[str, str],
    wanted: list[str],
    feed: CaseFeed,
) -> None:
    """The replay queues `wanted` and nothing else; the receiver gets them in case order."""
    url = f"/v1/subscriptions/{sub['id']}"
    replayed_before = await _replayed(http, url)
    before = len(server.receiver.received)
    response = await http.post(f"{url}/replay", json=body, headers=LAND)
    assert response.status_code == 202, response.text
    assert response.json()["deliveries"] == len(wanted) > 0
    await eventually(lambda: _has_ids(server.receiver.received[before:], set(wanted)))
    assert await _replayed(http, url) - replayed_before == Counter(wanted)
    got = [e for e in server.receiver.received[before:] if e in set(wanted)]
    case_of = {e: case for case, ids in feed.expected.items() for e in ids}
    assert _by_case(got, case_of) == _by_case(wanted, case_of)


async def _replayed(http: httpx.AsyncClient, url: str) -> Counter[str]:
    log = (await http.get(f"{url}/deliveries?limit=1000", headers=LAND)).json()
    return Counter(d["event_id"] for d in log["deliveries"] if d["cause"] == "replay")


def _by_case(ids: list[str], case_of: dict[str, str]) -> dict[str, list[str]]:
    cases: dict[str, list[str]] = {}
    for e in ids:
        cases.setdefault(case_of[e], []).append(e)
    return cases


async def _has_ids(received: list[str], ids: set[str]) -> bool | Missed:
    missing = ids - set(received)
    return not missing or Missed(f"{len(missing)} of {len(ids)} replayed events not received")


async def _has(handled: list[dict[str, Any]], ids: set[str]) -> bool | Missed:
    missing = ids - {e["id"] for e in handled}
    return not missing or Missed(f"{len(missing)} of {len(ids)} events not received")


async def _is(probe: Any, wanted: str) -> bool:
    return await probe == wanted


async def _true(value: bool) -> bool:
    return value

"""A multi-case run delivered to integrators' webhooks: through a receiver that is down, then
slow; to a masked subscription whose secret rotates; to a filtered one; and a replay."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from libs.events.kafka import KafkaSettings
from tests.integration.linkage.webhooks_harness import (
    ADMIN,
    CaseFeed,
    Missed,
    ReceiverServer,
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
CASES = 60  # the issue names 200; 60 fit the test's time budget on two shared cores
HOTLINE = bearer("integrator", sub="hotline-12345", center="350500")
LAND = bearer("integrator", sub="land-office", center="350521")


def land_filter(feed: CaseFeed, event_id: str, case_id: str) -> bool:
    """What the land office subscribed to: accepted or decided, GTJ, in 350521 or below."""
    n = feed.meta[case_id]
    kind = feed.types[event_id].split(".")[2]
    return kind in ("accepted", "decided") and n % 2 == 0 and n % 3 in (1, 2)


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
        await feed.cases(range(0, 20))
        await eventually(lambda: _has(a_handled, feed.all_ids()), within=40)

        # 2. The warehouse is down (connection refused); the hotline's secret rotates.
        await full.stop()
        rotated = new_secret()
        response = await http.patch(
            f"/v1/subscriptions/{b['id']}", json={"secret": rotated}, headers=HOTLINE
        )
        assert response.status_code == 200, response.text
        await feed.cases(range(20, 40))
        await eventually(lambda: _has(b_handled, feed.all_ids()), within=40)  # old secret
        masked.receiver.secrets = [rotated]  # the hotline switches over, whenever it likes
        await eventually(lambda: _is(status_of(http, a), "failing"), within=20)

        # 3. The warehouse is back but slow (2 s a request); the hotline and land office are not.
        full.delay = 2.0
        await full.start()
        served = full.served
        await feed.cases(range(40, CASES))
        await eventually(lambda: _has(b_handled, feed.all_ids()), within=40)  # new secret
        await eventually(lambda: _true(full.served >= served + 8), within=20)
        full.delay = 0.0
        await eventually(lambda: _has(a_handled, feed.all_ids()), within=60)
        await eventually(lambda: _is(status_of(http, a), "active"), within=10)

        assert in_order(a_handled) == feed.expected
        assert in_order(b_handled) == feed.expected
        assert full.receiver.rejected == masked.receiver.rejected == 0
        land_expected = {
            case: wanted
            for case, ids in feed.expected.items()
            if (wanted := [e for e in ids if land_filter(feed, e, case)])
        }
        await eventually(lambda: _has(c_handled, {e for v in land_expected.values() for e in v}))
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

        # 4. Replay the land office's events after one event id: exactly the later ones again.
        kept = await node.kept_order()
        land_ids = {e for ids in land_expected.values() for e in ids}
        pivot = kept[len(kept) // 2]
        later = [e for e in kept[len(kept) // 2 + 1 :] if e in land_ids]
        before = len(land.receiver.received)
        response = await http.post(
            f"/v1/subscriptions/{c['id']}/replay", json={"after_event_id": pivot}, headers=LAND
        )
        assert response.status_code == 202, response.text
        assert response.json()["deliveries"] == len(later) > 0
        await eventually(lambda: _true(len(land.receiver.received) >= before + len(later)))
        assert sorted(land.receiver.received[before:]) == sorted(later)

        log = (
            await http.get(f"/v1/subscriptions/{a['id']}/deliveries?limit=1000", headers=ADMIN)
        ).json()
        assert log["counts"] == {"delivered": len(feed.all_ids())}
        assert any(d["attempts"] > 1 and d["last_error"] is None for d in log["deliveries"])


async def _has(handled: list[dict[str, Any]], ids: set[str]) -> bool | Missed:
    missing = ids - {e["id"] for e in handled}
    return not missing or Missed(f"{len(missing)} of {len(ids)} events not received")


async def _is(probe: Any, wanted: str) -> bool:
    return await probe == wanted


async def _true(value: bool) -> bool:
    return value

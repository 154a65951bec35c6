"""A subscriber that keeps failing: dead letters, the `subscription.failing` alert, the
automatic pause, resume and redelivery; the example receiver refuses a tampered signature;
the API answers only the subscription's owner."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from libs.events.kafka import KafkaSettings
from services.linkage.adapters.webhooks import render, sign
from tests.integration.linkage.webhooks_harness import (
    ADMIN,
    CaseFeed,
    Missed,
    ReceiverServer,
    SkewedClock,
    linkage,
    new_secret,
    subscribe,
)
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import bearer, new_prefix

pytestmark = pytest.mark.integration
OWNER = bearer("integrator", sub="provincial-platform", center="350500")
STRANGER = bearer("integrator", sub="someone-else", center="350500")


async def log_of(http: httpx.AsyncClient, sub_id: str) -> dict[str, Any]:
    response = await http.get(f"/v1/subscriptions/{sub_id}/deliveries", headers=OWNER)
    assert response.status_code == 200, response.text
    log: dict[str, Any] = response.json()
    return log


async def status_is(http: httpx.AsyncClient, sub_id: str, wanted: str) -> bool:
    response = await http.get(f"/v1/subscriptions/{sub_id}", headers=OWNER)
    return bool(response.json()["status"] == wanted)


async def test_a_subscriber_that_keeps_failing_is_alerted_paused_resumed_and_redelivered(
    broker, databases
) -> None:
    prefix, clock = new_prefix(), SkewedClock()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed, server = CaseFeed(await databases.create("feed"), kafka), ReceiverServer()
    settings = {
        "webhook_max_attempts": 3,
        "webhook_failing_after_s": 60,
        "webhook_pause_after_s": 600,
    }
    async with feed.running(), linkage(databases, broker, prefix, clock=clock, **settings) as node:
        http = node.http
        sub = await subscribe(http, OWNER, callback_url=server.url)  # nothing listens there
        server.receiver.secrets = [sub["secret"]]

        # Every delivery uses up its three attempts and lands on the dead-letter list.
        await feed.cases(range(0, 1))
        await eventually(lambda: _counts(http, sub["id"], {"dead": 4}), within=30)
        log = await log_of(http, sub["id"])  # all dead: nothing changes them any more
        assert {d["attempts"] for d in log["deliveries"]} == {3}
        assert all("Connect" in d["last_error"] for d in log["deliveries"])
        assert await status_is(http, sub["id"], "active")  # failing for less than a minute

        # A minute without a success raises the alert, ten more pause the subscription: the
        # next failures after that long do both.
        clock.jump(timedelta(seconds=661))
        await feed.cases(range(1, 2))
        await eventually(lambda: status_is(http, sub["id"], "paused"), within=30)
        records = await read_topic(broker.bootstrap, f"{prefix}supervision-events", expect=3)
        types = [dict(r.headers)["ce_type"].decode() for r in records]
        assert "onewindow.subscription.failing.v1" in types
        assert "onewindow.subscription.paused.v1" in types
        paused = json.loads(records[types.index("onewindow.subscription.paused.v1")].value)
        assert paused["reason"] == "kept_failing" and paused["subscription_id"] == sub["id"]

        # The integrator fixes its receiver, which refuses a forged delivery.
        clock.back_to_now()
        await server.start()
        try:
            await _refuses_tampering(server, sub["secret"])
            resumed = await http.patch(
                f"/v1/subscriptions/{sub['id']}", json={"status": "active"}, headers=OWNER
            )
            assert resumed.status_code == 200 and resumed.json()["status"] == "active"
            replay = await http.post(
                f"/v1/subscriptions/{sub['id']}/replay",
                json={"dead_letters": True},
                headers=OWNER,
            )
            assert replay.status_code == 202 and replay.json()["deliveries"] == 4
            await eventually(lambda: _counts(http, sub["id"], {"delivered": 8}), within=30)
            assert {e["id"] for e in server.handled} == feed.all_ids()
        finally:
            await server.stop()


async def _refuses_tampering(server: ReceiverServer, secret: str) -> None:
    envelope = {
        "id": f"forged-{uuid.uuid4().hex[:8]}",
        "type": "onewindow.case.decided.v1",
        "source": "/centers/350500/approval",
        "subject": "case-x",
        "time": datetime.now(UTC).isoformat(),
        "center": "350500",
        "sequence": 4,
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        "data": {"decision": "denied"},
    }
    body, now = render(envelope, personal_data=False), datetime.now(UTC)
    forged = body.replace(b"denied", b"approved")
    attempts = [  # a tampered body, a stranger's secret, a signature replayed ten minutes late
        (forged, sign(envelope["id"], body, [secret], at=now)),
        (body, sign(envelope["id"], body, [new_secret()], at=now)),
        (body, sign(envelope["id"], body, [secret], at=now - timedelta(minutes=10))),
    ]
    async with httpx.AsyncClient() as client:
        for content, headers in attempts:
            refused = await client.post(server.url, content=content, headers=headers)
            assert refused.status_code == 401
        assert server.receiver.rejected == len(attempts) and server.handled == []


async def _counts(http: httpx.AsyncClient, sub_id: str, wanted: dict[str, int]) -> Any:
    log = await log_of(http, sub_id)
    return log if log["counts"] == wanted else Missed(log)


async def test_only_the_owner_sees_a_subscription_and_bad_input_names_its_rule(
    broker, databases
) -> None:
    async with linkage(databases, broker, new_prefix()) as node:
        http = node.http
        sub = await subscribe(
            http, OWNER, callback_url="http://127.0.0.1:9/webhooks", filters={"centers": ["350521"]}
        )
        assert sub["filters"]["centers"] == ["350521"] and sub["secret"].startswith("whsec_")
        url = f"/v1/subscriptions/{sub['id']}"
        assert (await http.get(url, headers=STRANGER)).status_code == 404
        assert [
            s["id"] for s in (await http.get("/v1/subscriptions", headers=STRANGER)).json()
        ] == []
        assert [s["id"] for s in (await http.get("/v1/subscriptions", headers=ADMIN)).json()] == [
            sub["id"]
        ]
        clerk = bearer("clerk", sub="clerk-1", center="350500", department="GTJ")
        assert (await http.get("/v1/subscriptions", headers=clerk)).status_code == 403
        cases: list[tuple[dict[str, Any], str]] = [
            (
                {"callback_url": "http://x/", "secret": "whsec_c2hvcnQ="},
                "SecretIsStandardWebhooksKey",
            ),
            (
                {"callback_url": "http://x/", "scopes": ["personal_data"]},
                "PersonalDataScopeGrantedByAdmin",
            ),
            (
                {"callback_url": "http://x/", "filters": {"centers": ["350600"]}},
                "SubscriptionWithinCallerScope",
            ),
        ]
        for body, rule in cases:
            refused = await http.post("/v1/subscriptions", json=body, headers=OWNER)
            assert refused.status_code in (403, 422), refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["rule"] == rule
        bad = await http.post(
            "/v1/subscriptions", json={"callback_url": "not a url"}, headers=OWNER
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "callback_url"
        both = await http.post(f"{url}/replay", json={}, headers=OWNER)
        assert both.status_code == 422
        assert (await http.delete(url, headers=OWNER)).status_code == 204
        assert (await http.get(url, headers=OWNER)).status_code == 404

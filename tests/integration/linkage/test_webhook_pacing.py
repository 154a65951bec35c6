"""A subscription's deliveries keep to its rate limit and concurrency and are counted in the
metrics; settled deliveries and kept events are deleted after the retention period (on
PostgreSQL through the running service, on SQLite directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select

from libs.events.db import make_engine, migrate
from libs.events.kafka import KafkaSettings
from libs.events.store import EventStore
from libs.events.uow import SqlUnitOfWork
from services.linkage import migrations
from services.linkage.adapters.views import SqlLinkageViews
from services.linkage.adapters.webhook_tables import deliveries, webhook_events
from services.linkage.application.subscriptions.queue import delivery_row
from services.linkage.application.subscriptions.retention import prune
from tests.integration.linkage.webhooks_harness import (
    CaseFeed,
    Missed,
    ReceiverServer,
    SkewedClock,
    in_order,
    linkage,
    subscribe,
)
from tests.support.polling import eventually
from tests.support.services import bearer, new_prefix

pytestmark = pytest.mark.integration
OWNER = bearer("integrator", sub="data-warehouse", center="350500")
RATE, CONCURRENCY, CASES = 4, 2, 5


async def test_deliveries_keep_to_the_rate_limit_and_concurrency_and_are_counted(
    broker, databases
) -> None:
    prefix, server = new_prefix(), ReceiverServer()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed = CaseFeed(await databases.create("feed"), kafka)
    pacing = {"webhook_rate_per_s": RATE, "webhook_concurrency": CONCURRENCY}
    server.delay = 0.1  # slow enough to overlap, fast enough that the rate limit binds
    await server.start()
    try:
        async with feed.running(), linkage(databases, broker, prefix, **pacing) as node:
            before = await _metrics(node.http)
            sub = await subscribe(node.http, OWNER, callback_url=server.url)
            server.receiver.secrets = [sub["secret"]]
            await feed.cases(range(CASES))
            await eventually(lambda: _has(server, feed.all_ids()), within=15 + CASES * 4 / RATE)
            # Counted once recorded, just after the receiver answered: wait for the last one.
            after = await eventually(lambda: _counted(node.http, before, 4 * CASES))
    finally:
        await server.stop()
    assert in_order(server.handled) == feed.expected
    assert server.most_in_flight <= CONCURRENCY
    # The limiter lets RATE through at once and RATE a second after: never more in a second.
    arrivals = server.arrivals
    assert max(sum(1 for t in arrivals if s <= t < s + 1) for s in arrivals) <= 2 * RATE + 1
    events = 4 * CASES
    assert after["attempts", "delivered"] - before.get(("attempts", "delivered"), 0) >= events
    assert after["attempt_seconds", ""] - before.get(("attempt_seconds", ""), 0) >= events
    assert after["queued", "event"] - before.get(("queued", "event"), 0) >= events


async def test_settled_deliveries_and_their_events_go_after_the_retention(
    broker, databases
) -> None:
    prefix, clock, server, nobody = new_prefix(), SkewedClock(), ReceiverServer(), ReceiverServer()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed = CaseFeed(await databases.create("feed"), kafka)
    settings = {"webhook_max_attempts": 2, "webhook_prune_interval_s": 0.2}
    await server.start()
    try:
        async with (
            feed.running(),
            linkage(databases, broker, prefix, clock=clock, **settings) as node,
        ):
            http = node.http
            up = await subscribe(http, OWNER, callback_url=server.url)
            down = await subscribe(http, OWNER, callback_url=nobody.url)  # nothing listens
            held = await subscribe(
                http,
                OWNER,
                callback_url=server.url,
                filters={"types": ["onewindow.case.decided.*"]},
            )
            paused = await http.patch(
                f"/v1/subscriptions/{held['id']}", json={"status": "paused"}, headers=OWNER
            )
            assert paused.status_code == 200, paused.text
            server.receiver.secrets = [up["secret"]]
            await feed.cases(range(2))
            await eventually(lambda: _counts(http, up, {"delivered": 8}), within=30)
            await eventually(lambda: _counts(http, down, {"dead": 8}), within=30)
            await eventually(lambda: _counts(http, held, {"pending": 2}), within=30)
            decided = [ids[-1] for ids in feed.expected.values()]

            # Half-way through the retention nothing goes; a day past it all but what is pending.
            month = timedelta(days=30)
            uow = node.runtime.unit_of_work(SqlLinkageViews)
            soon = await prune(uow=uow, retention=month, now=datetime.now(UTC) + month / 2)
            assert soon == {"deliveries": 0, "events": 0}
            clock.jump(month + timedelta(days=1))
            await eventually(lambda: _kept(node, sorted(decided)), within=30)
            assert (await _log(http, up))["counts"] == (await _log(http, down))["counts"] == {}
            assert (await _log(http, held))["counts"] == {"pending": 2}

            # A replay reaches back as far as what is kept.
            clock.back_to_now()
            replay = await http.post(
                f"/v1/subscriptions/{up['id']}/replay",
                json={"from_time": "2026-01-01T00:00:00+08:00"},
                headers=OWNER,
            )
            assert replay.status_code == 202 and replay.json()["deliveries"] == 2
            await eventually(lambda: _counts(http, up, {"delivered": 2}), within=30)
    finally:
        await server.stop()


async def _metrics(http: httpx.AsyncClient) -> dict[tuple[str, str], float]:
    """The webhook counters of one scrape: (name, label) -> value."""
    text = (await http.get("/metrics")).text
    found: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("onewindow_webhook_") and not sample.name.endswith(
                ("_created", "_bucket", "_sum")
            ):
                name = sample.name.removeprefix("onewindow_webhook_").removesuffix("_total")
                label = sample.labels.get("outcome") or sample.labels.get("cause") or ""
                found[name.removesuffix("_count"), label] = sample.value
    return found


async def _counted(
    http: httpx.AsyncClient, before: dict[tuple[str, str], float], events: int
) -> dict[tuple[str, str], float] | Missed:
    after = await _metrics(http)
    delivered = after.get(("attempts", "delivered"), 0) - before.get(("attempts", "delivered"), 0)
    return after if delivered >= events else Missed(f"{delivered} deliveries counted")


async def _has(server: ReceiverServer, ids: set[str]) -> bool | Missed:
    missing = ids - {e["id"] for e in server.handled}
    return not missing or Missed(f"{len(missing)} of {len(ids)} events not received")


async def _log(http: httpx.AsyncClient, sub: dict[str, Any]) -> dict[str, Any]:
    response = await http.get(f"/v1/subscriptions/{sub['id']}/deliveries", headers=OWNER)
    assert response.status_code == 200, response.text
    log: dict[str, Any] = response.json()
    return log


async def _counts(http: httpx.AsyncClient, sub: dict[str, Any], wanted: dict[str, int]) -> Any:
    log = await _log(http, sub)
    return log if log["counts"] == wanted else Missed(log["counts"])


async def _kept(node: Any, wanted: list[str]) -> bool | Missed:
    kept = sorted(await node.kept_order())
    return kept == wanted or Missed(f"{len(kept)} events kept")


async def test_retention_keeps_what_a_pending_delivery_needs_on_sqlite_too(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/linkage.db")
    await migrate(engine, [Path(migrations.__file__).parent])
    now, old = datetime.now(UTC), datetime.now(UTC) - timedelta(days=40)
    plan = [  # event time, its delivery's status (None: no delivery), what stays
        (old, "delivered", False),
        (old, "pending", True),
        (old, "dead", False),
        (now, "delivered", True),
        (old, None, False),
    ]
    try:
        async with engine.begin() as conn:
            for n, (at, status, _) in enumerate(plan):
                event = {"event_id": f"ev-{n}", "case_id": "c", "type": "t", "time": at}
                facts = {"center": "350500", "department": "", "item": "", "envelope": {}}
                await conn.execute(insert(webhook_events).values(position=n + 1, **event, **facts))
                if status:
                    row = delivery_row("sub-1", n + 1, event, cause="event")
                    row |= {"status": status, "created_at": at, "delivered_at": at}
                    await conn.execute(insert(deliveries).values(**row))
        store = EventStore(center="350500", service="linkage", kafka=KafkaSettings())
        uow = SqlUnitOfWork(engine, store, SqlLinkageViews)
        removed = await prune(uow=uow, retention=timedelta(days=30), now=now)
        assert removed == {"deliveries": 2, "events": 3}
        async with engine.connect() as conn:
            kept = set((await conn.execute(select(webhook_events.c.event_id))).scalars())
        assert kept == {f"ev-{n}" for n, (_, _, stays) in enumerate(plan) if stays}
    finally:
        await engine.dispose()

"""Two linkage processes on one database: the one holding a subscription's lease delivers,
the other waits; when the first is killed mid-run the second takes the lease over and the
receiver still gets every event once in effect, in order per case; a clean stop gives the
lease back."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.db import make_engine
from libs.events.kafka import KafkaSettings
from services.linkage.adapters.webhook_tables import subscriptions
from tests.integration.linkage.webhooks_harness import (
    ADMIN,
    CaseFeed,
    Missed,
    ReceiverServer,
    counts_are,
    in_order,
    linkage,
    subscribe,
)
from tests.support.polling import eventually
from tests.support.processes import running_services
from tests.support.services import new_prefix

pytestmark = pytest.mark.integration
CASES, LEASE_S = 30, 5.0  # a loaded machine may stall a process for a second or two


async def test_a_second_linkage_takes_over_the_deliveries_when_the_first_dies(
    broker, databases, tmp_path: Path
) -> None:
    prefix, server = new_prefix(), ReceiverServer()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed = CaseFeed(await databases.create("feed"), kafka)
    url = await databases.create("linkage")
    env = {
        "WEBHOOK_LEASE_S": str(LEASE_S),
        "WEBHOOK_POLL_INTERVAL_S": "0.05",
        "WEBHOOK_BACKOFF_BASE_S": "0.05",
        "WEBHOOK_BACKOFF_MAX_S": "0.5",
        "WEBHOOK_MAX_ATTEMPTS": "10000",
        "LINK_SIGNING_KEY_FILE": str(tmp_path / "signing.pem"),
    }
    with running_services(
        {"linkage": url}, bootstrap=broker.bootstrap, prefix=prefix, log_dir=tmp_path, env=env
    ) as first:
        server.delay = 0.2  # deliveries are in flight when the first process dies
        await server.start()
        engine = make_engine(url)
        try:
            async with (
                httpx.AsyncClient(base_url=first.url("linkage", "")) as http,
                feed.running(),
            ):
                sub = await subscribe(http, ADMIN, callback_url=server.url, owner="warehouse")
                server.receiver.secrets = [sub["secret"]]
                holder = await eventually(lambda: _holder(engine, sub["id"]))
                async with linkage(
                    databases, broker, prefix, database_url=url, webhook_lease_s=LEASE_S
                ) as second:
                    await feed.cases(range(CASES))
                    await eventually(lambda: _true(len(server.handled) >= 20), within=60)
                    assert await _holder(engine, sub["id"]) == holder  # the second waited
                    first.procs["linkage"].kill()  # no clean stop: its lease just runs out

                    await eventually(lambda: _has(server, feed.all_ids()), within=30 + CASES)
                    taken = await _holder(engine, sub["id"])
                    assert taken and taken != holder
                    everything = {"delivered": len(feed.all_ids())}
                    await eventually(lambda: counts_are(second.http, sub["id"], everything, ADMIN))
                assert await _holder(engine, sub["id"]) is None  # a clean stop gives it back
        finally:
            await server.stop()
            await engine.dispose()
    assert in_order(server.handled) == feed.expected
    assert server.receiver.rejected == 0


async def _holder(engine: AsyncEngine, subscription_id: str) -> str | None:
    """The process holding the subscription's lease now."""
    async with engine.connect() as conn:
        owner = await conn.scalar(
            select(subscriptions.c.lease_owner).where(subscriptions.c.id == subscription_id)
        )
    return str(owner) if owner else None


async def _has(server: ReceiverServer, ids: set[str]) -> bool | Missed:
    missing = ids - {e["id"] for e in server.handled}
    return not missing or Missed(f"{len(missing)} of {len(ids)} events not received")


async def _true(value: bool) -> bool:
    return value

"""Integrators receive every record of `case-events`, a service's own types included: linkage
keeps and queues a type it has no model of (it is declared in the service that writes it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from libs.events.kafka import KafkaSettings
from libs.events.registry import CASE_EVENTS, Event, Registry
from tests.integration.linkage.webhooks_harness import CaseFeed, linkage
from tests.support.polling import eventually
from tests.support.services import new_prefix

pytestmark = pytest.mark.integration
elsewhere = Registry()  # a service's own registration, which this process never sees


@elsewhere.register("onewindow.department.rostered.v1", topic=CASE_EVENTS)
class DepartmentRostered(Event):
    center: str
    department: str
    at: datetime


async def test_a_type_linkage_has_no_model_of_is_kept_for_the_integrators(
    broker, databases
) -> None:
    prefix = new_prefix()
    kafka = KafkaSettings(kafka_bootstrap_servers=broker.bootstrap, kafka_topic_prefix=prefix)
    feed = CaseFeed(await databases.create("feed"), kafka)
    async with feed.running(), linkage(databases, broker, prefix) as lk:
        rostered = DepartmentRostered(center="350500", department="GTJ", at=datetime.now(UTC))
        async with feed.engine.begin() as conn:
            [stored] = await feed.store.append(conn, "department:350500:GTJ", 0, [rostered])
        feed.relay.notify()

        async def kept() -> list[str] | None:
            ids = await lk.kept_order()
            return ids if stored.event_id in ids else None

        await eventually(kept, within=60)

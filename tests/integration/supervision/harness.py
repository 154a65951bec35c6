"""A supervision service on PostgreSQL and the broker, with a fixed clock, fed case events."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.clock import FixedClock
from libs.events.contract import CaseEvent
from libs.events.db import outbox
from libs.events.envelope import Envelope, from_message, source_of, to_message
from libs.events.registry import Event
from services.supervision.adapters.tables import inbox
from services.supervision.application.tick import Ticked, tick
from services.supervision.bootstrap import App
from services.supervision.config import Center, Settings
from services.supervision.main import create
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import bearer, serve

CENTERS = {
    "350500": Center(name="泉州市行政服务中心"),
    "350521": Center(name="晋江市政务服务中心", parent="350500"),
    "350521101": Center(name="安海镇便民服务中心", parent="350521"),
    "350600": Center(name="漳州市政务服务中心"),
}
SUPERVISOR = bearer("supervisor", sub="sup-1", center="350500")


class RecordingNotifier:
    """Keeps what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, recipient: str, message: str) -> None:
        self.sent.append((recipient, message))


@dataclass
class Service:
    """One running supervision service and what a test needs around it."""

    http: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    clock: FixedClock
    notifier: RecordingNotifier
    producer: AIOKafkaProducer
    sequences: Counter[str] = field(default_factory=Counter)
    published: int = 0

    @property
    def sv(self) -> App:
        found: App = self.app.state.supervision
        return found

    @property
    def engine(self) -> AsyncEngine:
        assert self.sv.runtime is not None
        return self.sv.runtime.engine

    async def publish(self, *events: Event) -> None:
        """Publish events on `case-events` as intake and approval would, in order."""
        for event in events:
            subject = event.case_id if isinstance(event, CaseEvent) else f"calendar-{id(event)}"
            center = str(getattr(event, "center", "350500"))
            self.sequences[subject] += 1
            envelope = Envelope(
                type=event.TYPE,
                source=source_of(center, "intake"),
                subject=subject,
                center=center,
                sequence=self.sequences[subject],
                data=event.model_dump(mode="json"),
            )
            key, headers, value = to_message(envelope)
            await self.producer.send_and_wait(
                self.settings.topic("case-events"), value, key, headers=headers
            )
            self.published += 1
        await eventually(self._consumed_all, within=30)

    async def _consumed_all(self) -> bool:
        async with self.engine.connect() as conn:
            count = (await conn.execute(select(func.count()).select_from(inbox))).scalar_one()
        return int(count) >= self.published

    async def tick(self, at: datetime | None = None) -> Ticked:
        """Move the clock (if told) and run one tick."""
        if at is not None:
            self.clock.set(at)
        return await tick(self.sv)

    async def relayed(self) -> None:
        """Wait until the outbox has published everything."""

        async def drained() -> bool:
            async with self.engine.connect() as conn:
                query = select(func.count()).where(outbox.c.sent_at.is_(None))
                return int((await conn.execute(query)).scalar_one()) == 0

        await eventually(drained, within=30)

    async def supervision_events(self, *, expect: int, within: float = 20.0) -> list[Envelope]:
        """Every event on `supervision-events`, once at least `expect` have arrived."""
        await self.relayed()
        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            self.settings.topic("supervision-events"),
            expect=expect,
            within=within,
        )
        return [from_message(r.key, r.headers, r.value or b"") for r in records]

    async def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        """GET as the city supervisor (unless told); asserts 200 and returns the JSON."""
        response = await self.http.get(path, headers=headers or SUPERVISOR, params=params)
        assert response.status_code == 200, response.text
        return response.json()


async def settings_for_supervision(databases: Any, broker: Any, prefix: str) -> Settings:
    """A fresh database; ticks only when the test says so."""
    return Settings(
        database_url=await databases.create("supervision"),
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_topic_prefix=prefix,
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=200,
        center_code="350500",
        centers=CENTERS,
        department_names={"SCJG": "市场监管局", "GTJ": "自然资源局"},
        tick_interval_seconds=3600,
        stream_poll_seconds=0.1,
    )


@contextlib.asynccontextmanager
async def running(settings: Settings, clock: FixedClock) -> AsyncIterator[Service]:
    """Start the service with this clock and a recording notifier, and a producer to feed it."""
    notifier = RecordingNotifier()
    app = create(settings, clock=clock, notifier=notifier)
    producer = settings.producer()
    await producer.start()
    try:
        async with serve(lambda _: app, settings) as http:
            service = Service(http, app, settings, clock, notifier, producer)
            await eventually(lambda: _ready(http), within=30)
            yield service
    finally:
        await producer.stop()


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/readyz")).status_code == 200

"""Running approval nodes against PostgreSQL and the broker, feeding them intake's events."""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI, FixedClock
from libs.events.contract import Applicant, CaseAccepted, CaseSubmitted, ItemPublished
from libs.events.envelope import Envelope, from_message, to_message
from libs.events.registry import Event
from services.approval.adapters.notifier import LocalSink, Notifier
from services.approval.bootstrap import App
from services.approval.config import Settings
from services.approval.main import create
from tests.support.services import bearer, new_prefix, settings_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
CALENDAR = WorkCalendar()
CENTER = "350500"


@dataclass
class Node:
    """One running approval process: its HTTP client, app, clock and notice sink."""

    client: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    clock: FixedClock

    @property
    def ctx(self) -> App:
        """The bootstrapped approval service of this process."""
        approval: App = self.app.state.approval
        return approval

    @property
    def engine(self) -> AsyncEngine:
        """This process's database engine."""
        assert self.ctx.runtime is not None
        return self.ctx.runtime.engine

    @property
    def sink(self) -> LocalSink:
        """The notices this process sent."""
        assert isinstance(self.ctx.notifier, LocalSink)
        return self.ctx.notifier


async def approval_settings(
    databases: Any, broker: Any, tmp_path: Path, *, prefix: str | None = None, **overrides: Any
) -> Settings:
    """Settings of an approval node with fast background jobs and its own seal directory."""
    values: dict[str, Any] = {
        "seal_keys_dir": str(tmp_path / "seals"),
        "deemed_scan_seconds": 0.1,
        "delivery_poll_seconds": 0.1,
        "delivery_backoff_seconds": 0.05,
        "delivery_lease_seconds": 1.0,
        **overrides,
    }
    return await settings_for(Settings, databases, broker, prefix=prefix or new_prefix(), **values)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, *, clock: FixedClock | None = None, notifier: Notifier | None = None
) -> AsyncIterator[Node]:
    """An approval process with its lifespan (migrations, consumer, relay, background jobs)."""
    clock = clock or FixedClock(MONDAY.replace(hour=10))
    app = create(settings, clock=clock, notifier=notifier or LocalSink())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Node(client, app, settings, clock)


def staff(role: str, sub: str, department: str = "land", center: str = CENTER) -> dict[str, str]:
    """A department member's bearer header."""
    return bearer(role, sub=sub, center=center, department=department)


def admin(center: str = CENTER) -> dict[str, str]:
    """The center administrator's bearer header."""
    return bearer("admin", sub="admin-1", center=center)


def accepted(
    case_id: str,
    *,
    kind: str = "promised",
    limit: int = 5,
    deemed: bool = False,
    department: str = "land",
    at: datetime = MONDAY,
    center: str = CENTER,
    item_code: str = "LAND-01",
) -> CaseAccepted:
    """`case.accepted` as intake emits it."""
    deadline = CALENDAR.deadline(at, 0 if kind == "immediate" else limit)
    return CaseAccepted.model_validate(
        {
            "case_id": case_id,
            "center": center,
            "case_no": f"{center}-{case_id}",
            "item_code": item_code,
            "item_version": 1,
            "item_name": "建设用地规划许可",
            "department": department,
            "kind": kind,
            "channel": "window",
            "accepted_at": at,
            "limit_days": limit,
            "deadline": deadline.at,
            "due_day": deadline.due_day,
            "deemed_approval": deemed,
        }
    )


def submitted(case_id: str, *, phone: str = "13800000001", center: str = CENTER) -> CaseSubmitted:
    """`case.submitted` with the applicant approval later notifies."""
    return CaseSubmitted(
        case_id=case_id,
        center=center,
        case_no=f"{center}-{case_id}",
        item_code="LAND-01",
        item_version=1,
        item_name="建设用地规划许可",
        department="land",
        kind="promised",
        channel="window",
        applicant=Applicant(
            name="张三", id_type="resident", id_no="350500199001011234", phone=phone
        ),
        materials=[],
        missing=[],
        submitted_at=MONDAY,
        legal_limit_days=20,
        promised_limit_days=5,
    )


def new_case_id() -> str:
    """A fresh case id."""
    return f"case-{uuid.uuid4().hex[:10]}"


_sequences: Counter[tuple[str, str, str]] = Counter()


async def publish(settings: Settings, *events: Event, service: str = "intake") -> None:
    """Publish events to the node's case-events topic as another service would."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for event in events:
            center = str(getattr(event, "center", CENTER))
            source = f"/centers/{center}/{service}"
            subject = str(getattr(event, "case_id", "") or event.TYPE)
            if isinstance(event, ItemPublished):
                subject = f"item-{event.code}"  # the stream of the item's versions at intake
            # Each stream numbered on as its producer would: consumers apply them in order.
            stream = (settings.kafka_topic_prefix, source, subject)
            _sequences[stream] += 1
            envelope = Envelope(
                type=event.TYPE,
                source=source,
                subject=subject,
                center=center,
                sequence=_sequences[stream],
                data=event.model_dump(mode="json"),
            )
            key, headers, value = to_message(envelope)
            await producer.send_and_wait(
                settings.topic("case-events"), key=key, value=value, headers=headers
            )
    finally:
        await producer.stop()


async def topic_events(settings: Settings, subject: str | None = None) -> list[Envelope]:
    """Every event now on the case-events topic (of one subject when given), per partition order."""
    topic = settings.topic("case-events")
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[Envelope] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(from_message(r.key, r.headers, r.value or b"") for r in records)
    finally:
        await consumer.stop()
    return [e for e in found if subject is None or e.subject == subject]


def names(envelopes: list[Envelope]) -> list[str]:
    """`case.decided` for each envelope."""
    return [e.name for e in envelopes]

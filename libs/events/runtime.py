"""What every service process runs: its database, the outbox relay, its consumers and probes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import idempotency
from libs.events.applier import Applier, BatchHandler, Handler
from libs.events.calendar import WorkCalendar
from libs.events.clock import Clock, SystemClock
from libs.events.consumer import IdempotentConsumer
from libs.events.db import make_engine, migrate
from libs.events.envelope import Envelope
from libs.events.instants import BeijingRoute
from libs.events.kafka import CASE_EVENTS, SUPERVISION_EVENTS, KafkaSettings
from libs.events.metrics import (
    Sample,
    Sampler,
    ScrapedGauges,
    consumer_lag,
    store_samples,
)
from libs.events.org import when_named_store_name
from libs.events.outbox import OutboxRelay
from libs.events.registry import Event, Registry, registry
from libs.events.schedules import CalendarCache, when_calendar_year_loaded_store_schedule
from libs.events.store import EventStore
from libs.events.tracing import tracer_provider
from libs.events.uow import SqlUnitOfWork

log = logging.getLogger(__name__)
V = TypeVar("V")
# Spans give every event the traceparent of the request or event that caused it.
TRACER_PROVIDER = tracer_provider()


class ServiceSettings(KafkaSettings):
    """Settings every service shares; each service subclasses it for its own."""

    database_url: str = "sqlite:///var/onewindow.db"
    center_code: str = "350500"
    parent_center: str = ""
    # Browser origins allowed to call the API cross-origin, comma-separated; none by default.
    cors_origins: str = ""
    consumer_gap_timeout_s: float = 30.0  # then a stream's gap is reported and parked
    outbox_retention_hours: float = 168.0  # sent outbox rows are deleted when older
    # Largest request body accepted (MAX_BODY_BYTES); larger ones are answered 413.
    max_body_bytes: int = 1_048_576
    # Idempotency-Key answers are kept this long; a retry after that is a new request.
    idempotency_retention_hours: float = 24.0


@dataclass(frozen=True)
class Subscription:
    """A consumer this service runs: a group name, its topics and its handler."""

    name: str
    topics: Sequence[str]
    handle: Handler
    handle_batch: BatchHandler | None = None  # the same effect as `handle`, for a poll at once
    families: frozenset[str] | None = None  # None: every record; else only these families
    types: Registry = registry  # the models its records are read with (unknown types skipped)


async def when_shared_fact(conn: AsyncConnection, envelope: Envelope, event: Event) -> None:
    """What every service keeps of the center's shared facts: calendar years and names."""
    await when_calendar_year_loaded_store_schedule(conn, envelope, event)
    await when_named_store_name(conn, envelope, event)


async def forget_idempotency_keys(runtime: Runtime) -> None:
    """Retention of Idempotency-Key answers: older ones are deleted every ten minutes."""
    older_than = timedelta(hours=runtime.settings.idempotency_retention_hours)
    while True:
        await idempotency.forget(runtime.engine, older_than=older_than)
        await asyncio.sleep(600)


class Runtime:
    """Owns the engine, producer, relay and consumers of one service process."""

    def __init__(
        self,
        *,
        service: str,
        settings: ServiceSettings,
        migrations: Path | None = None,
        subscriptions: Sequence[Subscription] | Callable[[Runtime], Sequence[Subscription]] = (),
        background: Sequence[Callable[[Runtime], Awaitable[None]]] = (),
        clock: Clock | None = None,
        samplers: Sequence[Sampler] = (),
    ) -> None:
        self.service = service
        self.samplers = [store_samples, *samplers]
        self.gauges = ScrapedGauges()
        self.settings = settings
        self.migrations = migrations
        self.background = background
        self.clock: Clock = clock or SystemClock()
        self._tasks: list[asyncio.Task[None]] = []
        self.migrated = False
        self._calendars = CalendarCache()
        self.engine = make_engine(settings.database_url)
        self.store = EventStore(center=settings.center_code, service=service, kafka=settings)
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[IdempotentConsumer] = []
        self._kafka_task: asyncio.Task[None] | None = None
        # Given as a function, the subscriptions are made on this runtime's unit of work.
        own = subscriptions(self) if callable(subscriptions) else subscriptions
        calendar = Subscription(
            "calendar", [CASE_EVENTS], when_shared_fact, families=frozenset({"calendar", "org"})
        )
        self.subscriptions = [*own, calendar]

    def unit_of_work(self, views: Callable[[AsyncConnection], V]) -> SqlUnitOfWork[V]:
        """The service's unit of work on this database; each commit wakes the relay."""
        return SqlUnitOfWork(
            self.engine, self.store, views, calendars=self._calendars, on_commit=self._wake_relay
        )

    def _wake_relay(self) -> None:
        if self.relay:
            self.relay.notify()

    async def calendar(self, conn: AsyncConnection) -> WorkCalendar:
        """The working-day calendar with every schedule this service has received."""
        return await self._calendars.get(conn)

    async def start(self) -> None:
        """Migrate, then start jobs and Kafka in the background: a down broker or database
        only delays readiness, it never stops the process from answering /healthz."""
        with contextlib.suppress(OSError, DBAPIError):  # the database is away: _boot retries
            await self._migrate()
        self._kafka_task = asyncio.create_task(self._boot(), name="boot")

    async def _migrate(self) -> None:
        await migrate(self.engine, [self.migrations] if self.migrations else [])
        self.migrated = True

    async def _boot(self) -> None:
        while not self.migrated:
            try:
                await self._migrate()
            except (OSError, DBAPIError) as exc:
                log.warning("%s: database not reachable (%s); retrying", self.service, exc)
                await asyncio.sleep(1)
        self._tasks = [
            asyncio.create_task(self._keep_running(job), name=job.__name__)
            for job in [*self.background, forget_idempotency_keys]
        ]
        await self._connect_kafka()

    async def _keep_running(self, job: Callable[[Runtime], Awaitable[None]]) -> None:
        """A background job that fails is logged and started again, never silently lost."""
        while True:
            try:
                await job(self)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: background job %s failed; restarting", self.service, job)
                await asyncio.sleep(1)

    async def _connect_kafka(self) -> None:
        while True:
            producer = self.settings.producer()
            try:
                await producer.start()
                await self.settings.ensure_topics(CASE_EVENTS, SUPERVISION_EVENTS)
                break
            except asyncio.CancelledError:
                await producer.stop()
                raise
            except Exception as exc:
                await producer.stop()
                log.warning("%s: broker not reachable (%s); retrying", self.service, exc)
                await asyncio.sleep(1)
        self.producer = producer
        retention = timedelta(hours=self.settings.outbox_retention_hours)
        self.relay = OutboxRelay(self.engine, producer, retention=retention)
        self.relay.start()
        for sub in self.subscriptions:
            consumer = IdempotentConsumer(
                name=self.consumer_name(sub),
                engine=self.engine,
                kafka=self.settings,
                topics=list(sub.topics),
                handle=sub.handle,
                handle_batch=sub.handle_batch,
                producer=producer,
                after_commit=self.relay.notify,
                gap_timeout=self.settings.consumer_gap_timeout_s,
                families=sub.families,
                types=sub.types,
            )
            self.consumers.append(consumer)  # appended first: stop() closes a half-started one
            await consumer.start()

    def consumer_name(self, sub: Subscription) -> str:
        """The consumer (and group) name of one subscription: `<service>-<name>`."""
        return f"{self.service}-{sub.name}"

    def appliers(self) -> dict[str, Applier]:
        """Each subscription's applier by consumer name, for replaying parked records."""
        return {
            self.consumer_name(sub): Applier(
                name=self.consumer_name(sub), engine=self.engine, handle=sub.handle, types=sub.types
            )
            for sub in self.subscriptions
        }

    async def stop(self) -> None:
        """Stop background jobs and consumers, then the relay and producer; then the pool."""
        for task in [*([self._kafka_task] if self._kafka_task else []), *self._tasks]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for consumer in self.consumers:
            await consumer.stop()
        if self.relay:
            await self.relay.stop()
        if self.producer:
            await self.producer.stop()
        await self.engine.dispose()

    async def readiness(self) -> dict[str, str]:
        """`ok` or the reason, for the database and the broker."""
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(2):
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            checks["database"] = "ok" if self.migrated else "migrating"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["broker"] = await self._broker_status()
        return checks

    async def _broker_status(self) -> str:
        if self.producer is None:
            return "connecting"
        try:
            async with asyncio.timeout(2):
                fresh = await self.producer.client.force_metadata_update()
        except TimeoutError:
            fresh = False
        return "ok" if fresh else "unreachable"

    async def scrape(self) -> ScrapedGauges:
        """Read the gauges now: the database's (when it answers) and the consumers' lag."""
        samples: list[Sample] = []
        try:
            async with asyncio.timeout(2):
                async with self.engine.connect() as conn:
                    for sampler in self.samplers:
                        samples += await sampler(conn)
        except Exception as exc:  # a scrape during an outage still answers, with what it has
            log.warning("%s: database gauges not read: %s", self.service, exc)
        samples += await consumer_lag(self.consumers)
        self.gauges.samples = samples
        return self.gauges

    def health_router(self) -> APIRouter:
        """`/healthz` (the process runs) and `/readyz` (database and broker answer)."""
        router = APIRouter(route_class=BeijingRoute, tags=["health"])

        @router.get("/healthz")
        async def healthz() -> dict[str, str]:
            """Liveness: the process answers."""
            return {"status": "ok", "service": self.service}

        @router.get("/readyz")
        async def readyz() -> JSONResponse:
            """Readiness: 503 while the database or the broker is unreachable."""
            checks = await self.readiness()
            ready = all(v == "ok" for v in checks.values())
            body: dict[str, Any] = {"status": "ready" if ready else "not ready", **checks}
            return JSONResponse(body, status_code=200 if ready else 503)

        return router

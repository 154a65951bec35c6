"""Idempotent consumers: apply an event and record it in one transaction, then commit the offset.

A redelivered event finds its `(consumer, event_id)` row and changes nothing. A record that
cannot be parsed, or whose payload breaks its schema, or whose handler keeps failing, goes to
`<topic>.dlq` with the error in a header, and consumption continues with the next record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from opentelemetry import propagate, trace
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.db import dead_letters, processed
from libs.events.envelope import Envelope, UnparseableMessage, from_message
from libs.events.kafka import KafkaSettings
from libs.events.registry import Event, Registry, UnknownEventType, registry
from libs.events.store import ConcurrencyError

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[AsyncConnection, Envelope, Event], Awaitable[None]]
HANDLER_ATTEMPTS = 3
# Failures of the moment (database away, a writer that got there first): retried until they pass.
TRANSIENT = (OperationalError, InterfaceError, OSError, ConcurrencyError)


@dataclass(frozen=True)
class Applied:
    """What happened to one record."""

    applied: bool
    reason: str = ""


class DeadLetter(Exception):
    """This record can never be applied; it goes to the dead-letter topic."""


class IdempotentConsumer:
    """Consumes `topics` as group `name`, calling `handle` once per event in effect."""

    def __init__(
        self,
        *,
        name: str,
        engine: AsyncEngine,
        kafka: KafkaSettings,
        topics: list[str],
        handle: Handler,
        producer: AIOKafkaProducer,
        types: Registry = registry,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.engine = engine
        self.kafka = kafka
        self.topics = [kafka.topic(t) for t in topics]
        self.handle = handle
        self.producer = producer
        self.types = types
        self.after_commit = after_commit
        self.consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def apply(self, envelope: Envelope) -> Applied:
        """Apply one event in its own transaction unless this consumer applied it before."""
        try:
            event = self.types.load(envelope.type, envelope.data)
        except UnknownEventType:
            event = None  # a type this service does not follow (or a newer major): tolerated
        except ValidationError as exc:
            raise DeadLetter(f"{envelope.type} payload invalid: {exc}") from exc
        parent = propagate.extract({"traceparent": envelope.traceparent})
        with tracer.start_as_current_span(f"apply {envelope.type}", context=parent):
            applied = await self._apply_once(envelope, event)
        if applied.applied and self.after_commit:
            self.after_commit()
        return applied

    async def _apply_once(self, envelope: Envelope, event: Event | None) -> Applied:
        async with self.engine.begin() as conn:
            if await self._seen(conn, envelope.id):
                return Applied(False, "duplicate")
            await conn.execute(
                insert(processed).values(
                    consumer=self.name, event_id=envelope.id, processed_at=datetime.now(UTC)
                )
            )
            if event is None:
                return Applied(False, "unknown type")
            await self.handle(conn, envelope, event)
        return Applied(True)

    async def _seen(self, conn: AsyncConnection, event_id: str) -> bool:
        query = select(processed.c.event_id).where(
            processed.c.consumer == self.name, processed.c.event_id == event_id
        )
        return (await conn.execute(query)).first() is not None

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Apply one record, retrying a failing handler, then dead-lettering it."""
        try:
            envelope = from_message(record.key, record.headers, record.value or b"")
        except UnparseableMessage as exc:
            await self.dead_letter(record, str(exc))
            return
        for attempt in range(1, HANDLER_ATTEMPTS + 1):
            try:
                await self.apply(envelope)
                return
            except DeadLetter as exc:
                await self.dead_letter(record, str(exc))
                return
            except TRANSIENT:
                raise  # the run loop backs off and rewinds: never dead-letter a good event
            except Exception as exc:
                log.exception(
                    "%s: applying %s failed (attempt %d)", self.name, envelope.id, attempt
                )
                if attempt == HANDLER_ATTEMPTS:
                    await self.dead_letter(record, f"handler failed: {exc!r}")
                    return
                await asyncio.sleep(0.2 * 2**attempt)  # back off before retrying the handler

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        """Publish the record unchanged to `<topic>.dlq` with the error, and keep a local note."""
        log.warning("%s: %s offset %s to DLQ: %s", self.name, record.topic, record.offset, error)
        headers = [
            *list(record.headers),
            ("dlq_error", error[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self.producer.send_and_wait(
            f"{record.topic}.dlq", value=record.value, key=record.key, headers=headers
        )
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(dead_letters).values(
                    consumer=self.name,
                    topic=record.topic,
                    error=error,
                    recorded_at=datetime.now(UTC),
                )
            )

    async def run(self) -> None:
        """Consume until cancelled, committing offsets only after records are applied."""
        assert self.consumer is not None
        while True:
            batches = await self.consumer.getmany(timeout_ms=500, max_records=500)
            for tp, records in batches.items():
                for record in records:
                    await self.process(record)
                await self.consumer.commit({tp: records[-1].offset + 1})

    async def start(self) -> None:
        """Join the group and consume in the background."""
        self.consumer = self.kafka.consumer(*self.topics, group_id=self._group())
        await self.consumer.start()
        self._task = asyncio.create_task(self._run_forever(), name=f"consumer-{self.name}")

    async def _run_forever(self) -> None:
        while True:
            try:
                await self.run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: consumer loop failed; rewinding", self.name)
                await asyncio.sleep(1)  # broker or database away: back off, then resume
                await self._rewind()

    async def _rewind(self) -> None:
        """Go back to the committed offsets so nothing fetched but unapplied is skipped."""
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            committed = await self.consumer.committed(tp)
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)

    def _group(self) -> str:
        return self.kafka.topic(self.name)

    async def stop(self) -> None:
        """Stop consuming; what was applied but not yet committed is redelivered harmlessly."""
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.consumer:
            await self.consumer.stop()

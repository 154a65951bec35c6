"""Apply one event to a consumer's projection exactly once in effect, in its stream's order.

In the handler's transaction the stream's position is locked and checked: at or below it the
event is a duplicate (skipped); above the next sequence it is a gap (not applied: the caller
rewinds and retries); while the stream is parked it is held in the `parked` table behind the
record that failed. Events without a sequence are deduplicated by id instead.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from opentelemetry import propagate, trace
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events import parking, positions
from libs.events.db import processed
from libs.events.envelope import Envelope, to_message
from libs.events.metrics import DUPLICATES, GAPS, PARKED
from libs.events.registry import Event, Registry, UnknownEventType, registry

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

Handler = Callable[[AsyncConnection, Envelope, Event], Awaitable[None]]


@dataclass(frozen=True)
class Batched:
    """One event of a batch to apply."""

    envelope: Envelope
    event: Event


# Applies a batch of events (in consumed order) in the caller's transaction, with the effect
# the handler would have one by one (a projection folds them per key and writes each row once);
# it continues each event's trace (`span_of`) for what the event causes.
BatchHandler = Callable[[AsyncConnection, Sequence[Batched]], Awaitable[None]]


def span_of(envelope: Envelope) -> AbstractContextManager[trace.Span]:
    """The span applying one event, a child of the span that appended it."""
    parent = propagate.extract({"traceparent": envelope.traceparent})
    return tracer.start_as_current_span(f"apply {envelope.type}", context=parent)


def one_by_one(handle: Handler) -> BatchHandler:
    """A batch handler calling `handle` for each event in turn."""

    async def each(conn: AsyncConnection, batch: Sequence[Batched]) -> None:
        for item in batch:
            with span_of(item.envelope):
                await handle(conn, item.envelope, item.event)

    return each


@dataclass(frozen=True)
class Raw:
    """A record as it came from the broker, kept whole when it is parked."""

    topic: str
    key: bytes | None
    headers: Sequence[tuple[str, bytes]]
    value: bytes

    @classmethod
    def of_record(cls, record: ConsumerRecord[bytes, bytes]) -> Raw:
        """The record's topic, key, headers and value."""
        return cls(record.topic, record.key, list(record.headers), record.value or b"")

    @classmethod
    def of_envelope(cls, envelope: Envelope, topic: str = "") -> Raw:
        """The envelope in the Kafka binding, for events applied without a record."""
        key, headers, value = to_message(envelope)
        return cls(topic, key, headers, value)


@dataclass(frozen=True)
class Applied:
    """What happened to one event: applied, or why not (duplicate, gap, held, parked …)."""

    applied: bool
    reason: str = ""
    expected: int = 0  # for a gap: the sequence the stream waits for


class DeadLetter(Exception):
    """This record cannot be read as the event it claims to be (its payload breaks the schema)."""


class Waiting(Exception):
    """The event needs another aggregate's event first (`subject`), which comes on another key
    or topic in no guaranteed order: its stream waits, parked as `waiting_for_<what>`, and is
    applied once an event of `subject` is (libs/events/waiting.py)."""

    def __init__(self, what: str, *, subject: str) -> None:
        super().__init__(f"waiting_for_{what}")
        self.subject = subject


class Applier:
    """The exactly-once, in-order application of events for one consumer `name`."""

    def __init__(
        self,
        *,
        name: str,
        engine: AsyncEngine,
        handle: Handler,
        types: Registry = registry,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.engine = engine
        self.handle = handle
        self.types = types
        self.after_commit = after_commit

    async def apply(
        self, envelope: Envelope, *, raw: Raw | None = None, resolving: int | None = None
    ) -> Applied:
        """Apply in one transaction; `resolving` names the parked record this replays."""
        with span_of(envelope):
            applied = await self._apply_once(envelope, raw, resolving)
        if applied.applied and self.after_commit:
            self.after_commit()
        return applied

    async def _apply_once(
        self, envelope: Envelope, raw: Raw | None, resolving: int | None
    ) -> Applied:
        async with self.engine.begin() as conn:
            return await self.apply_in(conn, envelope, raw=raw, resolving=resolving)

    async def apply_in(
        self,
        conn: AsyncConnection,
        envelope: Envelope,
        *,
        raw: Raw | None = None,
        resolving: int | None = None,
    ) -> Applied:
        """The body of `apply` in the caller's transaction (several records may share one:
        a failure then rolls back all of them, and each is applied again on its own)."""
        if envelope.sequence:
            skipped = await self._in_order(conn, envelope, raw, resolving)
        else:
            skipped = await self._by_id(conn, envelope, resolving)
        if skipped is not None:
            return skipped
        event = self._load(envelope)
        if event is None:
            return Applied(False, "unknown type")
        await self.handle(conn, envelope, event)
        return Applied(True)

    async def _in_order(
        self, conn: AsyncConnection, envelope: Envelope, raw: Raw | None, resolving: int | None
    ) -> Applied | None:
        stream = positions.stream_of(envelope)
        if resolving is None and await positions.step(conn, self.name, stream, envelope.sequence):
            return None  # the next event of its stream: applied now
        position = await positions.lock(conn, self.name, stream)
        if position.parked and resolving is None:
            await parking.record(
                conn, self.name, envelope, raw or Raw.of_envelope(envelope), "held", "stream parked"
            )
            PARKED.labels(self.name, "held").inc()
            return Applied(False, "held")
        if envelope.sequence <= position.sequence:
            DUPLICATES.labels(self.name).inc()
            if resolving is not None:
                await parking.resolve(conn, resolving)
                if position.parked and not await parking.others_open(
                    conn, self.name, stream, resolving
                ):
                    await positions.unpark(conn, position)
            return Applied(False, "duplicate")
        if envelope.sequence > position.sequence + 1:
            GAPS.labels(self.name).inc()
            return Applied(False, "gap", expected=position.sequence + 1)
        unpark = False
        if resolving is not None:
            await parking.resolve(conn, resolving)
            unpark = position.parked and not await parking.others_open(
                conn, self.name, stream, resolving
            )
        await positions.advance(conn, position, envelope.sequence, unpark=unpark)
        return None

    async def _by_id(
        self, conn: AsyncConnection, envelope: Envelope, resolving: int | None
    ) -> Applied | None:
        if resolving is not None:
            await parking.resolve(conn, resolving)
        query = select(processed.c.event_id).where(
            processed.c.consumer == self.name, processed.c.event_id == envelope.id
        )
        if (await conn.execute(query)).first() is not None:
            DUPLICATES.labels(self.name).inc()
            return Applied(False, "duplicate")
        await conn.execute(
            insert(processed).values(
                consumer=self.name, event_id=envelope.id, processed_at=datetime.now(UTC)
            )
        )
        return None

    async def apply_many_in(
        self, conn: AsyncConnection, batch: Sequence[tuple[Envelope, Raw]], handle: BatchHandler
    ) -> tuple[int, Envelope | None]:
        """Apply the leading events of `batch` in the caller's transaction with one position
        read and one write: up to a gap, an event without a sequence, or a parked stream (that
        event is held and ends the batch, returned). How many were dealt with, and the held."""
        lead = list(itertools.takewhile(lambda item: item[0].sequence, batch))
        found = await positions.lock_many(
            conn, self.name, [positions.stream_of(e) for e, _ in lead]
        )
        moved: dict[str, positions.Position] = {}
        todo: list[Batched] = []
        count, held = 0, None
        for envelope, raw in lead:
            stream = positions.stream_of(envelope)
            position = moved.get(stream) or found[stream]
            if position.parked:
                await parking.record(conn, self.name, envelope, raw, "held", "stream parked")
                PARKED.labels(self.name, "held").inc()
                count, held = count + 1, envelope
                break
            if envelope.sequence > position.sequence + 1:
                GAPS.labels(self.name).inc()
                break
            count += 1
            if envelope.sequence <= position.sequence:
                DUPLICATES.labels(self.name).inc()
                continue
            moved[stream] = replace(position, sequence=envelope.sequence)
            event = self._load(envelope)
            if event is not None:
                todo.append(Batched(envelope, event))
        await handle(conn, todo)
        await positions.advance_many(conn, list(moved.values()))
        return count, held

    def _load(self, envelope: Envelope) -> Event | None:
        try:
            return self.types.load(envelope.type, envelope.data)
        except UnknownEventType:
            return None  # a type this service does not follow (or a newer major): tolerated
        except ValidationError as exc:
            raise DeadLetter(f"{envelope.type} payload invalid: {exc}") from exc

    async def park(self, envelope: Envelope | None, raw: Raw, *, reason: str, error: str) -> None:
        """Record a record that cannot be applied now; its stream (if any) waits behind it."""
        async with self.engine.begin() as conn:
            if envelope is not None and envelope.sequence:
                position = await positions.lock(conn, self.name, positions.stream_of(envelope))
                if not position.parked:
                    await positions.park(conn, position)
            await parking.record(conn, self.name, envelope, raw, reason, error)
        PARKED.labels(self.name, reason).inc()
        what = f"{envelope.type} {envelope.subject}#{envelope.sequence}" if envelope else raw.topic
        log.error("%s: parked %s (%s): %s", self.name, what, reason, error)

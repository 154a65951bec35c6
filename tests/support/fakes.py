"""The in-memory unit of work handlers are unit tested with: no database, no broker.

`FakeUnitOfWork(views)` keeps streams in a dict; a block that raises leaves nothing behind
(its events are discarded; the views are the test's own objects and keep what they were told).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from libs.events.aggregate import Aggregate
from libs.events.calendar import WorkCalendar
from libs.events.registry import Event, UnknownEventType
from libs.events.store import Append, ConcurrencyError, StoredEvent

A = TypeVar("A", bound=Aggregate)
V = TypeVar("V")


def _stored(position: int, stream_id: str, version: int, event: Event, center: str) -> StoredEvent:
    return StoredEvent(
        position=position,
        event_id=str(uuid.uuid4()),
        stream_id=stream_id,
        version=version,
        type=event.TYPE,
        data=event.model_dump(mode="json"),
        center=center,
        traceparent="",
        recorded_at=datetime.now(UTC),
        prev_hash="",
        hash="",
    )


class FakeEventLog:
    """Streams in memory with the store's optimistic concurrency; `published` is the outbox."""

    def __init__(self, uow: FakeUnitOfWork[Any], center: str) -> None:
        self.uow = uow
        self.center = center
        self.pending: list[tuple[StoredEvent, bool]] = []

    def _stream(self, stream_id: str) -> list[StoredEvent]:
        committed = self.uow.streams.get(stream_id, [])
        return committed + [s for s, _ in self.pending if s.stream_id == stream_id]

    async def load(self, cls: type[A], stream_id: str) -> A:
        """The aggregate folded from the stream (unknown types still count a version)."""
        aggregate = cls(stream_id)
        for stored in self._stream(stream_id):
            try:
                aggregate.apply(stored.load())
            except UnknownEventType:
                aggregate.version += 1
        return aggregate

    async def save(self, aggregate: Aggregate, new: Sequence[Event]) -> list[StoredEvent]:
        """Append at the aggregate's version, then fold the new events in."""
        stored = await self.append(aggregate.stream_id, aggregate.version, new)
        for event in new:
            aggregate.apply(event)
        return stored

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        new: Sequence[Event],
        *,
        center: str | None = None,
        publish: bool = True,
    ) -> list[StoredEvent]:
        """Append after `expected_version` or raise ConcurrencyError."""
        actual = len(self._stream(stream_id))
        if actual != expected_version:
            raise ConcurrencyError(stream_id, expected_version, actual)
        stored = []
        for i, event in enumerate(new, start=1):
            self.uow.position += 1
            version = expected_version + i
            stored.append(
                _stored(self.uow.position, stream_id, version, event, center or self.center)
            )
        self.pending += [(s, publish) for s in stored]
        return stored

    async def append_many(self, appends: Sequence[Append]) -> dict[str, list[StoredEvent]]:
        """Each append in turn (all or nothing: the block's events go together)."""
        return {
            a.stream_id: await self.append(
                a.stream_id, a.expected_version, a.events, center=a.center, publish=a.publish
            )
            for a in appends
            if a.events
        }

    async def read(self, stream_id: str) -> list[StoredEvent]:
        """The stream's events, oldest first."""
        return self._stream(stream_id)

    async def version(self, stream_id: str) -> int:
        """The stream's version."""
        return len(self._stream(stream_id))


class FakeTransaction(Generic[V]):
    """One block of the fake unit of work."""

    def __init__(self, events: FakeEventLog, views: V, calendar: WorkCalendar) -> None:
        self._events = events
        self._views = views
        self._calendar = calendar

    @property
    def events(self) -> FakeEventLog:
        """The in-memory event log of this block."""
        return self._events

    @property
    def views(self) -> V:
        """The test's fake views."""
        return self._views

    async def calendar(self) -> WorkCalendar:
        """The calendar the test gave (official holidays only by default)."""
        return self._calendar


class FakeUnitOfWork(Generic[V]):
    """`UnitOfWork` in memory: streams, the published events, how many blocks committed."""

    def __init__(
        self, views: V, *, center: str = "350500", calendar: WorkCalendar | None = None
    ) -> None:
        self.views = views
        self.center = center
        self.calendar = calendar or WorkCalendar()
        self.streams: dict[str, list[StoredEvent]] = {}
        self.published: list[StoredEvent] = []
        self.position = 0
        self.commits = 0
        self._seen = 0

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[FakeTransaction[V]]:
        """A block: its events are kept when it ends cleanly, discarded when it raises."""
        log = FakeEventLog(self, self.center)
        yield FakeTransaction(log, self.views, self.calendar)
        for stored, publish in log.pending:
            self.streams.setdefault(stored.stream_id, []).append(stored)
            if publish:
                self.published.append(stored)
        self.commits += 1

    def given(self, stream_id: str, *events: Event) -> None:
        """Past events of a stream (not counted as new, not published)."""
        stream = self.streams.setdefault(stream_id, [])
        for event in events:
            self.position += 1
            stream.append(_stored(self.position, stream_id, len(stream) + 1, event, self.center))
        self._seen = self.position

    def new_events(self) -> list[Event]:
        """The events committed since the last call (or since `given`), in store order."""
        fresh = sorted(
            (s for stream in self.streams.values() for s in stream if s.position > self._seen),
            key=lambda s: s.position,
        )
        self._seen = self.position
        return [s.load() for s in fresh]

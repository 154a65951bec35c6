"""The unit of work: one transaction giving the event store, the outbox and a service's views.

Handlers depend on the `UnitOfWork` port only; `SqlUnitOfWork` is its one SQLAlchemy
implementation, and tests pass an in-memory fake (tests/support/fakes.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.aggregate import Aggregate
from libs.events.applier import Batched, BatchHandler, Handler
from libs.events.calendar import WorkCalendar
from libs.events.envelope import Envelope
from libs.events.registry import Event, UnknownEventType
from libs.events.schedules import CalendarCache
from libs.events.store import Append, EventStore, StoredEvent

A = TypeVar("A", bound=Aggregate)
V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)


class EventLog(Protocol):
    """The event store and its outbox, as one transaction sees them."""

    async def load(self, cls: type[A], stream_id: str) -> A:
        """The aggregate as its stream leaves it (version 0 when the stream is empty)."""
        ...

    async def save(self, aggregate: Aggregate, new: Sequence[Event]) -> list[StoredEvent]:
        """Append at the aggregate's loaded version (ConcurrencyError when it moved), fold."""
        ...

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        new: Sequence[Event],
        *,
        center: str | None = None,
        publish: bool = True,
    ) -> list[StoredEvent]:
        """Append after `expected_version`; `publish=False` writes no outbox rows."""
        ...

    async def append_many(self, appends: Sequence[Append]) -> dict[str, list[StoredEvent]]:
        """Several streams at once, all or nothing."""
        ...

    async def read(self, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream, oldest first."""
        ...

    async def version(self, stream_id: str) -> int:
        """The stream's current version (0 when it has no events)."""
        ...


class Transaction(Protocol[V_co]):
    """What a handler works with inside `async with uow.begin() as tx`."""

    @property
    def events(self) -> EventLog:
        """The event store and outbox of this transaction."""
        ...

    @property
    def views(self) -> V_co:
        """The service's repositories and read models, in this transaction."""
        ...

    async def calendar(self) -> WorkCalendar:
        """The center's working-day calendar with every schedule loaded so far."""
        ...


class UnitOfWork(Protocol[V_co]):
    """The port handlers depend on: `begin()` commits once when its block ends cleanly."""

    def begin(self) -> AbstractAsyncContextManager[Transaction[V_co]]:
        """One transaction; rolled back when the block raises."""
        ...


class SqlEventLog:
    """`EventLog` over the service's `EventStore` on one connection."""

    def __init__(self, store: EventStore, conn: AsyncConnection) -> None:
        self.store = store
        self.conn = conn

    async def load(self, cls: type[A], stream_id: str) -> A:
        """The aggregate as its stream leaves it (version 0 when the stream is empty)."""
        aggregate = cls(stream_id)
        for stored in await self.read(stream_id):
            try:
                aggregate.apply(stored.load())
            except UnknownEventType:
                aggregate.version += 1  # written by a newer release: keep the version right
        return aggregate

    async def save(self, aggregate: Aggregate, new: Sequence[Event]) -> list[StoredEvent]:
        """Append at the loaded version, then fold the new events in."""
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
        """Append after `expected_version`."""
        return await self.store.append(
            self.conn, stream_id, expected_version, new, center=center, publish=publish
        )

    async def append_many(self, appends: Sequence[Append]) -> dict[str, list[StoredEvent]]:
        """Several streams at once."""
        return await self.store.append_many(self.conn, appends)

    async def read(self, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream."""
        return await self.store.read(self.conn, stream_id)

    async def version(self, stream_id: str) -> int:
        """The stream's current version."""
        return await self.store.version(self.conn, stream_id)


class SqlTransaction(Generic[V]):
    """One database transaction: the event log and the views share its connection."""

    def __init__(
        self, conn: AsyncConnection, events: SqlEventLog, views: V, calendars: CalendarCache
    ) -> None:
        self.conn = conn
        self._events = events
        self._views = views
        self._calendars = calendars

    @property
    def events(self) -> SqlEventLog:
        """The event store and outbox of this transaction."""
        return self._events

    @property
    def views(self) -> V:
        """The service's views on this connection."""
        return self._views

    async def calendar(self) -> WorkCalendar:
        """The calendar as this transaction reads it."""
        return await self._calendars.get(self.conn)


class SqlUnitOfWork(Generic[V]):
    """The SQLAlchemy unit of work: `begin()` opens a transaction on the engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        store: EventStore,
        views: Callable[[AsyncConnection], V],
        *,
        calendars: CalendarCache | None = None,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.views = views
        self.calendars = calendars or CalendarCache()
        self.on_commit = on_commit

    def on(self, conn: AsyncConnection) -> SqlTransaction[V]:
        """The transaction already open on `conn` (a consumer's, which commits it)."""
        return SqlTransaction(conn, SqlEventLog(self.store, conn), self.views(conn), self.calendars)

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlTransaction[V]]:
        """A new transaction; its events reach the relay as soon as it commits."""
        async with self.engine.begin() as conn:
            yield self.on(conn)
        self.on_commit()

    def joined(self, conn: AsyncConnection) -> Joined[V]:
        """A unit of work whose `begin()` is the transaction of `conn` (committed by its owner),
        so a consumer calls the very handler a route calls, inside its own transaction."""
        return Joined(self.on(conn))

    def handler(
        self, fn: Callable[[SqlTransaction[V], Envelope, Event], Awaitable[None]]
    ) -> Handler:
        """A consumer's handler over this unit of work's transaction of the consumed record."""

        async def handle(conn: AsyncConnection, envelope: Envelope, event: Event) -> None:
            await fn(self.on(conn), envelope, event)

        return handle

    def batch_handler(
        self, fn: Callable[[SqlTransaction[V], Sequence[Batched]], Awaitable[None]]
    ) -> BatchHandler:
        """A consumer's batch handler over this unit of work's transaction of the poll."""

        async def handle(conn: AsyncConnection, batch: Sequence[Batched]) -> None:
            await fn(self.on(conn), batch)

        return handle


class Joined(Generic[V]):
    """`UnitOfWork` over a transaction somebody else opened and will commit."""

    def __init__(self, tx: SqlTransaction[V]) -> None:
        self.tx = tx

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlTransaction[V]]:
        """The joined transaction itself (a savepoint would hide nothing: the owner commits)."""
        yield self.tx

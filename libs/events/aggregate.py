"""Aggregates folded from their streams, and the load/save steps of a command handler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.registry import Event, UnknownEventType
from libs.events.store import EventStore, StoredEvent

A = TypeVar("A", bound="Aggregate")


class Aggregate:
    """State folded from one stream; `when` changes state, rules live in the subclass's methods."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        self.version = 0

    def apply(self, event: Event) -> None:
        """Fold one event and count it."""
        self.when(event)
        self.version += 1

    def when(self, event: Event) -> None:
        """Subclasses fold the events they know; others leave the state as it is."""


async def load(store: EventStore, conn: AsyncConnection, cls: type[A], stream_id: str) -> A:
    """The aggregate as its stored events leave it (version 0 when the stream is empty)."""
    aggregate = cls(stream_id)
    for stored in await store.read(conn, stream_id):
        try:
            aggregate.apply(stored.load())
        except UnknownEventType:
            aggregate.version += 1  # written by a newer release: keep the version right
    return aggregate


async def save(
    store: EventStore, conn: AsyncConnection, aggregate: Aggregate, new: Sequence[Event]
) -> list[StoredEvent]:
    """Append the aggregate's new events at its loaded version, then fold them in."""
    stored = await store.append(conn, aggregate.stream_id, aggregate.version, new)
    for event in new:
        aggregate.apply(event)
    return stored

"""The append-only event store with optimistic concurrency; appends write their outbox rows too."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import idempotency
from libs.events.audit import GENESIS, chain
from libs.events.db import events, is_postgres, outbox
from libs.events.envelope import current_traceparent, header_lists, source_of
from libs.events.fastpath import Batch, StreamTaken, append_postgres, heads
from libs.events.kafka import KafkaSettings
from libs.events.registry import Event, registry

HEADS_KEPT = 10_000


class ConcurrencyError(Exception):
    """The stream moved on since the caller read it (answered 409)."""

    def __init__(self, stream_id: str, expected: int, actual: int | None = None) -> None:
        found = "" if actual is None else f", found {actual}"
        super().__init__(f"stream {stream_id} is not at version {expected}{found}")
        self.stream_id = stream_id


@dataclass(frozen=True)
class StoredEvent:
    """One row of the store: the event with its stream, version and global position."""

    position: int
    event_id: str
    stream_id: str
    version: int
    type: str
    data: dict[str, Any]
    center: str
    traceparent: str
    recorded_at: datetime
    prev_hash: str
    hash: str

    def load(self) -> Event:
        """The payload as the newest registered model (upcast when stored as an older major)."""
        return registry.load(self.type, self.data)


@dataclass(frozen=True)
class Append:
    """New events for one stream, after `expected_version`."""

    stream_id: str
    expected_version: int
    events: Sequence[Event]
    center: str | None = None
    publish: bool = True
    traceparents: Sequence[str] = ()  # each event's cause, when not the current span


@dataclass(frozen=True)
class Planned:
    """One stream's append before it is chained: event rows, their data as JSON, outbox rows."""

    rows: list[dict[str, Any]]
    texts: list[str]
    outbox: list[dict[str, Any]]


def chained(prev_hash: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their links of the hash chain, from the stream's head `prev_hash`."""
    linked = []
    for row in rows:
        linked.append({**row, "prev_hash": prev_hash, "hash": (prev_hash := chain(prev_hash, row))})
    return linked


class EventStore:
    """`append`, `read` and `read_all` on the service's own database."""

    def __init__(self, *, center: str, service: str, kafka: KafkaSettings) -> None:
        self.center = center
        self.source = source_of(center, service)
        self.kafka = kafka
        self._heads: dict[tuple[str, int], str] = {}  # (stream, version) -> hash, newest last

    async def version(self, conn: AsyncConnection, stream_id: str) -> int:
        """The stream's current version (0 when it has no events)."""
        query = (
            select(events.c.version, events.c.hash)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.version.desc())
            .limit(1)
        )
        head = (await conn.execute(query)).first()
        if head is None:
            return 0
        self._remember(stream_id, head.version, head.hash)
        return int(head.version)

    async def versions(self, conn: AsyncConnection, stream_ids: Sequence[str]) -> dict[str, int]:
        """The current version of each stream that has events (PostgreSQL: one statement)."""
        if not is_postgres(conn):
            found = {s: await self.version(conn, s) for s in stream_ids}
            return {s: v for s, v in found.items() if v}
        versions = {}
        for stream_id, (version, hash_) in (await heads(conn, stream_ids)).items():
            self._remember(stream_id, version, hash_)
            versions[stream_id] = version
        return versions

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        expected_version: int,
        new: Sequence[Event],
        *,
        center: str | None = None,
        publish: bool = True,
    ) -> list[StoredEvent]:
        """Append after `expected_version` or raise ConcurrencyError; outbox rows in one txn.

        `publish=False` records a stream this service alone reads (no outbox rows, so it never
        reaches a topic); keep such events in streams of their own, never in a published one.
        """
        one = Append(stream_id, expected_version, new, center=center, publish=publish)
        return (await self.append_many(conn, [one]))[stream_id]

    async def append_many(
        self, conn: AsyncConnection, appends: Sequence[Append]
    ) -> dict[str, list[StoredEvent]]:
        """Append to several streams at once (on PostgreSQL in one statement); all or nothing."""
        appends = [a for a in appends if a.events]
        if appends:
            await idempotency.claim(conn)  # a keyed request's key, in its events' transaction
        if not is_postgres(conn):
            return {a.stream_id: await self._append_core(conn, a, self._rows(a)) for a in appends}
        planned = [(a, self._rows(a)) for a in appends]
        for fresh in (False, True):  # a remembered head may be stale: look again, once
            prevs = await self._prevs(conn, appends, fresh=fresh)
            batch = Batch()
            for a, planned_rows in planned:
                batch.heads.append((a.stream_id, a.expected_version, prevs[a.stream_id]))
                batch.rows += chained(prevs[a.stream_id], planned_rows.rows)
                batch.data += planned_rows.texts
                batch.outbox += planned_rows.outbox
            try:
                positions = await append_postgres(conn, batch)
            except StreamTaken as exc:
                raise ConcurrencyError(appends[0].stream_id, appends[0].expected_version) from exc
            if positions is not None:
                return self._stored(batch.rows, positions)
        raise ConcurrencyError(appends[0].stream_id, appends[0].expected_version)

    def _rows(self, a: Append) -> Planned:
        """The event rows (not yet chained), their data as JSON and outbox rows of one append.

        Each row holds what the event's envelope would (id, subject, sequence, ...), built as
        plain dicts: a pydantic envelope an event cost the append more than its statement."""
        now, trace, center = datetime.now(UTC), current_traceparent(), a.center or self.center
        rows, texts, outbox_rows = [], [], []
        for i, e in enumerate(a.events, start=1):
            data = e.model_dump(mode="json")
            row = {
                "event_id": str(uuid.uuid4()),
                "stream_id": a.stream_id,
                "version": a.expected_version + i,
                "type": e.TYPE,
                "data": data,
                "center": center,
                "traceparent": a.traceparents[i - 1] if a.traceparents else trace,
                "recorded_at": now,
            }
            text = json.dumps(data)  # the stored data and Kafka's value
            rows.append(row)
            texts.append(text)
            if a.publish:
                outbox_rows.append(self._outbox_row(row, text))
        return Planned(rows, texts, outbox_rows)

    async def _prevs(
        self, conn: AsyncConnection, appends: Sequence[Append], *, fresh: bool
    ) -> dict[str, str]:
        """The hash each stream's new events chain from; ConcurrencyError for a stream that is
        not at its expected version."""
        prevs = {a.stream_id: GENESIS for a in appends if not a.expected_version}
        wanted = {a.stream_id: a.expected_version for a in appends if a.expected_version}
        for stream_id, version in list(wanted.items()):
            known = None if fresh else self._heads.get((stream_id, version))
            if known is not None:
                prevs[stream_id] = known
                del wanted[stream_id]
        if wanted:
            found = await heads(conn, list(wanted))
            for stream_id, version in wanted.items():
                at, hash_ = found.get(stream_id, (0, ""))
                if at != version:
                    raise ConcurrencyError(stream_id, version, at)
                prevs[stream_id] = hash_
        return prevs

    def _stored(
        self, rows: list[dict[str, Any]], positions: dict[str, int]
    ) -> dict[str, list[StoredEvent]]:
        stored: dict[str, list[StoredEvent]] = {}
        for row in rows:
            event = StoredEvent(position=positions[row["event_id"]], **row)
            stored.setdefault(event.stream_id, []).append(event)
        for stream_id, appended in stored.items():
            self._remember(stream_id, appended[-1].version, appended[-1].hash)
        return stored

    def _remember(self, stream_id: str, version: int, hash_: str) -> None:
        """Keep a stream's head: the next append to it then needs no look-up (the statement
        checks it, so a head that was rolled back costs one look-up, never a broken chain)."""
        self._heads[(stream_id, version)] = hash_
        if len(self._heads) > HEADS_KEPT:
            del self._heads[next(iter(self._heads))]

    async def _append_core(
        self,
        conn: AsyncConnection,
        a: Append,
        planned: Planned,
    ) -> list[StoredEvent]:
        """The portable path (SQLite): the stream's head, then Core inserts."""
        outbox_rows = planned.outbox
        rows = chained(await self._head(conn, a.stream_id, a.expected_version), planned.rows)
        try:
            result = await conn.execute(insert(events).returning(events.c.position), rows)
        except IntegrityError as exc:
            raise ConcurrencyError(a.stream_id, a.expected_version) from exc
        if outbox_rows:
            await conn.execute(insert(outbox), outbox_rows)
        return [StoredEvent(position=p, **r) for p, r in zip(result.scalars(), rows, strict=True)]

    async def _head(self, conn: AsyncConnection, stream_id: str, expected_version: int) -> str:
        """The hash of the stream's newest event, which must be at `expected_version`."""
        if not expected_version:
            return GENESIS  # a new stream: the (stream_id, version) key refuses a second version 1
        query = (
            select(events.c.version, events.c.hash)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.version.desc())
            .limit(1)
        )
        head = (await conn.execute(query)).first()
        if head is None or head.version != expected_version:
            raise ConcurrencyError(stream_id, expected_version, head.version if head else 0)
        return str(head.hash)

    async def read(self, conn: AsyncConnection, stream_id: str) -> list[StoredEvent]:
        """Every event of one stream, oldest first."""
        rows = await conn.execute(
            select(events).where(events.c.stream_id == stream_id).order_by(events.c.version)
        )
        found = [_stored(r._mapping) for r in rows]
        if found:
            self._remember(stream_id, found[-1].version, found[-1].hash)
        return found

    async def read_all(
        self, conn: AsyncConnection, from_position: int = 0, limit: int = 1000
    ) -> list[StoredEvent]:
        """Events after `from_position` in store order, for replays and rebuilds."""
        rows = await conn.execute(
            select(events)
            .where(events.c.position > from_position)
            .order_by(events.c.position)
            .limit(limit)
        )
        return [_stored(r._mapping) for r in rows]

    def _outbox_row(self, row: dict[str, Any], data: str) -> dict[str, Any]:
        """The Kafka binary mode's record (`to_message`) of an event row, its headers as text."""
        attributes = {
            "id": row["event_id"],
            "type": row["type"],
            "source": self.source,
            "subject": row["stream_id"],
            "time": row["recorded_at"],
            "center": row["center"],
            "sequence": row["version"],
            "traceparent": row["traceparent"],
        }
        return {
            "event_id": row["event_id"],
            "topic": self.kafka.topic_for(row["type"]),
            "key": row["stream_id"],
            "headers": header_lists(attributes),
            "value": data.encode(),
            "created_at": row["recorded_at"],
        }


def _stored(row: Any) -> StoredEvent:
    recorded = row["recorded_at"]
    if recorded.tzinfo is None:  # SQLite hands back naive datetimes; the store only writes UTC
        recorded = recorded.replace(tzinfo=UTC)
    return StoredEvent(**{**row, "recorded_at": recorded})

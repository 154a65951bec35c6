"""The append-only event store with optimistic concurrency; appends write their outbox rows too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.audit import GENESIS, chain
from libs.events.db import events, is_postgres, outbox
from libs.events.envelope import Envelope, current_traceparent, source_of, to_message
from libs.events.fastpath import append_postgres
from libs.events.kafka import KafkaSettings
from libs.events.registry import Event, registry


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


class EventStore:
    """`append`, `read` and `read_all` on the service's own database."""

    def __init__(self, *, center: str, service: str, kafka: KafkaSettings) -> None:
        self.center = center
        self.source = source_of(center, service)
        self.kafka = kafka

    async def version(self, conn: AsyncConnection, stream_id: str) -> int:
        """The stream's current version (0 when it has no events)."""
        query = select(func.coalesce(func.max(events.c.version), 0)).where(
            events.c.stream_id == stream_id
        )
        return int((await conn.execute(query)).scalar_one())

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
        if not new:
            return []
        now, trace = datetime.now(UTC), current_traceparent()
        envelopes = [
            Envelope(
                type=e.TYPE,
                source=self.source,
                subject=stream_id,
                time=now,
                center=center or self.center,
                sequence=expected_version + i,
                traceparent=trace,
                data=e.model_dump(mode="json"),
            )
            for i, e in enumerate(new, start=1)
        ]
        rows = [_event_row(env) for env in envelopes]
        outbox_rows = [self._outbox_row(env, now) for env in envelopes] if publish else []
        if is_postgres(conn) and publish:
            stored = await append_postgres(conn, expected_version, rows, outbox_rows)
            if stored is None:
                raise ConcurrencyError(stream_id, expected_version)
        else:
            stored = await self._append_core(conn, stream_id, expected_version, rows, outbox_rows)
        return [
            StoredEvent(position=position, **row, prev_hash=prev_hash, hash=hash_)
            for (position, prev_hash, hash_), row in zip(stored, rows, strict=True)
        ]

    async def _append_core(
        self,
        conn: AsyncConnection,
        stream_id: str,
        expected_version: int,
        rows: list[dict[str, Any]],
        outbox_rows: list[dict[str, Any]],
    ) -> list[tuple[int, str, str]]:
        """The portable path (SQLite; unpublished streams): the stream's head, then Core inserts."""
        prev = await self._head(conn, stream_id, expected_version)
        chained = []
        for row in rows:
            chained.append({**row, "prev_hash": prev, "hash": (prev := chain(prev, row))})
        try:
            result = await conn.execute(insert(events).returning(events.c.position), chained)
        except IntegrityError as exc:
            raise ConcurrencyError(stream_id, expected_version) from exc
        if outbox_rows:
            await conn.execute(insert(outbox), outbox_rows)
        return [
            (p, r["prev_hash"], r["hash"]) for p, r in zip(result.scalars(), chained, strict=True)
        ]

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
        return [_stored(r._mapping) for r in rows]

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

    def _outbox_row(self, env: Envelope, now: datetime) -> dict[str, Any]:
        key, headers, value = to_message(env)
        return {
            "event_id": env.id,
            "topic": self.kafka.topic_for(env.type),
            "key": key.decode(),
            "headers": [[name, raw.decode()] for name, raw in headers],
            "value": value,
            "created_at": now,
        }


def _event_row(env: Envelope) -> dict[str, Any]:
    return {
        "event_id": env.id,
        "stream_id": env.subject,
        "version": env.sequence,
        "type": env.type,
        "data": env.data,
        "center": env.center,
        "traceparent": env.traceparent,
        "recorded_at": env.time,
    }


def _stored(row: Any) -> StoredEvent:
    recorded = row["recorded_at"]
    if recorded.tzinfo is None:  # SQLite hands back naive datetimes; the store only writes UTC
        recorded = recorded.replace(tzinfo=UTC)
    return StoredEvent(**{**row, "recorded_at": recorded})

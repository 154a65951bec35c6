"""Per consumer and stream, the last applied sequence: read, advanced and parked in the
projection's own transaction, so the effect of an event and its position commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.db import stream_positions as t
from libs.events.envelope import Envelope
from libs.events.store import ConcurrencyError


def stream_of(envelope: Envelope) -> str:
    """A stream is one producer's aggregate: two services may both number a case's events."""
    return f"{envelope.source} {envelope.subject}"


@dataclass(frozen=True)
class Position:
    """Where a consumer stands in one stream."""

    consumer: str
    stream: str
    sequence: int = 0
    parked: bool = False
    stored: bool = False


async def lock(conn: AsyncConnection, consumer: str, stream: str) -> Position:
    """The position, its row locked until the transaction ends (PostgreSQL; SQLite locks all)."""
    query = (
        select(t.c.sequence, t.c.parked_at)
        .where(t.c.consumer == consumer, t.c.stream == stream)
        .with_for_update()
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return Position(consumer, stream)
    return Position(consumer, stream, row.sequence, row.parked_at is not None, stored=True)


async def step(conn: AsyncConnection, consumer: str, stream: str, sequence: int) -> bool:
    """The common case in one statement: an unparked stream standing just before `sequence`
    moves to it (its row locked as `lock` would); False when it stands anywhere else."""
    done = await conn.execute(
        update(t)
        .where(
            t.c.consumer == consumer,
            t.c.stream == stream,
            t.c.sequence == sequence - 1,
            t.c.parked_at.is_(None),
        )
        .values(sequence=sequence)
    )
    return done.rowcount == 1


async def advance(
    conn: AsyncConnection, position: Position, sequence: int, *, unpark: bool = False
) -> None:
    """Move to `sequence`; a concurrent writer (another instance of the group) is a conflict."""
    await _write(conn, position, sequence=sequence, **({"parked_at": None} if unpark else {}))


async def park(conn: AsyncConnection, position: Position) -> None:
    """Mark the stream parked: its later events wait until an operator replays it."""
    await _write(conn, position, parked_at=datetime.now(UTC))


async def unpark(conn: AsyncConnection, position: Position) -> None:
    """The stream's parked records are all applied: new events apply directly again."""
    await _write(conn, position, parked_at=None)


async def _write(conn: AsyncConnection, position: Position, **values: object) -> None:
    if not position.stored:
        row = {"consumer": position.consumer, "stream": position.stream, "sequence": 0}
        try:
            await conn.execute(insert(t).values({**row, **values}))
        except IntegrityError as exc:
            raise ConcurrencyError(position.stream, 0) from exc
        return
    done = await conn.execute(
        update(t)
        .where(
            t.c.consumer == position.consumer,
            t.c.stream == position.stream,
            t.c.sequence == position.sequence,
        )
        .values(**values)
    )
    if done.rowcount != 1:
        raise ConcurrencyError(position.stream, position.sequence)


async def lock_many(
    conn: AsyncConnection, consumer: str, streams: list[str]
) -> dict[str, Position]:
    """The positions of several streams, locked in stream order (so two writers lock alike)."""
    query = (
        select(t.c.stream, t.c.sequence, t.c.parked_at)
        .where(t.c.consumer == consumer, t.c.stream.in_(sorted(set(streams))))
        .order_by(t.c.stream)
        .with_for_update()
    )
    found = {
        r.stream: Position(consumer, r.stream, r.sequence, r.parked_at is not None, stored=True)
        for r in await conn.execute(query)
    }
    return {s: found.get(s) or Position(consumer, s) for s in streams}


async def advance_many(conn: AsyncConnection, moved: list[Position]) -> None:
    """Store the positions that moved (`sequence` the new one; rows of stored ones are locked by
    `lock_many`); a stream another instance stored meanwhile is a conflict."""
    new = [p for p in moved if not p.stored]
    if new:
        rows = [{"consumer": p.consumer, "stream": p.stream, "sequence": p.sequence} for p in new]
        try:
            await conn.execute(insert(t), rows)
        except IntegrityError as exc:
            raise ConcurrencyError(new[0].stream, 0) from exc
    old = [
        {"b_consumer": p.consumer, "b_stream": p.stream, "b_sequence": p.sequence}
        for p in moved
        if p.stored
    ]
    if old:
        where = (t.c.consumer == bindparam("b_consumer")) & (t.c.stream == bindparam("b_stream"))
        await conn.execute(update(t).where(where).values(sequence=bindparam("b_sequence")), old)

"""The `parked` table: records a consumer could not apply, and those waiting behind them.

A row is open until `resolved_at` is set, in the same transaction that applies it (or finds it
applied already). Reasons: `failed` (the handler kept failing), `invalid` (the payload breaks
its schema; also on `<topic>.dlq`), `unparseable` (not an event; also on `<topic>.dlq`), `gap`
(an earlier event of the stream never came), `waiting` (the handler needs another aggregate's
event first: replayed without an operator, libs/events/waiting.py), `held` (waiting behind one
of those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.db import parked as t
from libs.events.envelope import Envelope
from libs.events.positions import stream_of

if TYPE_CHECKING:
    from libs.events.applier import Raw

BLOCKING = ("failed", "invalid")  # only an operator's replay (after a fix) moves past these


@dataclass(frozen=True)
class Parked:
    """One open row, as `onewindow dlq list` shows it."""

    id: int
    consumer: str
    stream: str | None
    sequence: int | None
    reason: str
    error: str
    topic: str
    parked_at: datetime
    key: bytes | None
    headers: list[tuple[str, bytes]]
    value: bytes


async def record(
    conn: AsyncConnection,
    consumer: str,
    envelope: Envelope | None,
    raw: Raw,
    reason: str,
    error: str,
) -> None:
    """Keep the record whole, with why it waits."""
    stream = stream_of(envelope) if envelope is not None and envelope.sequence else None
    await conn.execute(
        insert(t).values(
            consumer=consumer,
            stream=stream,
            sequence=envelope.sequence if envelope is not None and stream else None,
            reason=reason,
            error=error[:4000],
            topic=raw.topic,
            source=envelope.source if envelope else "",
            key=raw.key,
            headers=[[name, value.decode("latin-1")] for name, value in raw.headers],
            value=raw.value,
            parked_at=datetime.now(UTC),
        )
    )


async def resolve(conn: AsyncConnection, row_id: int) -> None:
    """The row's record is applied (or was already): it no longer waits."""
    await conn.execute(update(t).where(t.c.id == row_id).values(resolved_at=datetime.now(UTC)))


async def others_open(conn: AsyncConnection, consumer: str, stream: str, row_id: int) -> bool:
    """Whether the stream has open rows besides `row_id` (then it stays parked)."""
    query = select(func.count()).where(
        t.c.consumer == consumer, t.c.stream == stream, t.c.resolved_at.is_(None)
    )
    return int((await conn.execute(query.where(t.c.id != row_id))).scalar_one()) > 0


async def set_error(engine: AsyncEngine, row_id: int, error: str) -> None:
    """A replay failed again: keep the newest error."""
    async with engine.begin() as conn:
        await conn.execute(update(t).where(t.c.id == row_id).values(error=error[:4000]))


async def open_rows(
    engine: AsyncEngine, consumer: str | None = None, ids: Sequence[int] | None = None
) -> list[Parked]:
    """Open rows (of one consumer, or these ids), oldest first."""
    query = select(t).where(t.c.resolved_at.is_(None)).order_by(t.c.id)
    if consumer is not None:
        query = query.where(t.c.consumer == consumer)
    if ids is not None:
        query = query.where(t.c.id.in_(ids))
    async with engine.connect() as conn:
        return [_parked(r._mapping) for r in await conn.execute(query)]


async def waiting(engine: AsyncEngine, consumer: str) -> list[Parked]:
    """The consumer's open rows waiting for another aggregate's event, oldest first."""
    query = select(t).where(
        t.c.consumer == consumer, t.c.reason == "waiting", t.c.resolved_at.is_(None)
    )
    async with engine.connect() as conn:
        return [_parked(r._mapping) for r in await conn.execute(query.order_by(t.c.id))]


async def next_open(
    engine: AsyncEngine, consumer: str, stream: str, *, unless_blocked: bool = False
) -> Parked | None:
    """The stream's open row to try next (lowest sequence); none when `unless_blocked` and a
    failed or invalid record waits for an operator."""
    query = select(t).where(
        t.c.consumer == consumer, t.c.stream == stream, t.c.resolved_at.is_(None)
    )
    async with engine.connect() as conn:
        rows = [_parked(r._mapping) for r in await conn.execute(query)]
    if not rows or (unless_blocked and any(r.reason in BLOCKING for r in rows)):
        return None
    return min(rows, key=lambda r: (r.sequence or 0, r.id))


def _parked(row: Any) -> Parked:
    at = row["parked_at"]
    return Parked(
        id=row["id"],
        consumer=row["consumer"],
        stream=row["stream"],
        sequence=row["sequence"],
        reason=row["reason"],
        error=row["error"],
        topic=row["topic"],
        parked_at=at if at.tzinfo else at.replace(tzinfo=UTC),
        key=row["key"],
        headers=[(name, value.encode("latin-1")) for name, value in row["headers"]],
        value=row["value"],
    )

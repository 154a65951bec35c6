"""The outbox relay: publishes committed outbox rows to Kafka, in order per key, at least once.

A late commit is never skipped: the relay keeps no high-water mark. Each pass takes *every*
row still unsent, in id order, so a row whose transaction committed after a row with a
higher id is simply found on the next pass. Per-key order holds because a stream's next
version can only be inserted after its previous one committed, and a pass sends a key's rows
in waves: the next row of a key only after the broker acknowledged the previous one, and
none after a failure (it is sent again, with what follows it, on the next pass). No database
transaction is open while waiting for the broker; on PostgreSQL a session advisory lock lets
one relay of a database publish at a time (a running relay keeps it between passes, and its
passes read and mark rows on that session). A row the producer refuses outright (too large,
invalid topic) is moved to `outbox_rejected` with the error instead of blocking its key.
Sent rows are deleted once older than the retention, when one is given (`OUTBOX_RETENTION_HOURS`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    UnsupportedForMessageFormatError,
)
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.db import is_postgres, outbox, outbox_rejected
from libs.events.fastpath import in_transaction
from libs.events.metrics import RELAY_PRUNED, RELAY_REJECTED

log = logging.getLogger(__name__)
RELAY_LOCK = 7_300_002
# Refusals that no retry can cure: the row is moved aside instead of blocking its key.
REJECTED = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    UnsupportedForMessageFormatError,
)
PRUNE_CHUNK = 5000


class Unsent(NamedTuple):
    """An outbox row still to publish."""

    id: int
    event_id: str
    topic: str
    key: str
    headers: list[list[str]]
    value: bytes
    created_at: datetime


class Turn(NamedTuple):
    """Whether this relay may publish now, and the lock's session on PostgreSQL."""

    mine: bool
    driver: asyncpg.Connection | None


class OutboxRelay:
    """Runs `relay_once` whenever notified, and at least every `interval` seconds."""

    def __init__(
        self,
        engine: AsyncEngine,
        producer: AIOKafkaProducer,
        *,
        batch: int = 500,
        interval: float = 0.2,
        retention: timedelta | None = None,
        prune_every: float = 600.0,
        table: Table = outbox,
        lock: int = RELAY_LOCK,
    ) -> None:
        self.engine = engine
        self.table = table  # an outbox-shaped table: linkage relays its own to another broker
        self.lock = lock
        self.producer = producer
        self.batch = batch
        self.interval = interval
        self.retention = retention
        self.prune_every = prune_every
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        name = table.name  # a Table's own name, never input
        self._select = (
            f"SELECT {', '.join(Unsent._fields)} FROM {name} WHERE sent_at IS NULL"
            " ORDER BY id LIMIT $1"
        )
        self._mark = f"UPDATE {name} SET sent_at = $1 WHERE id = ANY($2::bigint[])"

    def notify(self) -> None:
        """Something was committed: publish without waiting for the next interval."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many were sent or moved aside."""
        async with self._turn() as turn:
            return await self._pass(turn.driver) if turn.mine else 0

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[Turn]:
        """Whether this relay may publish; on PostgreSQL one relay per database at a time,
        holding a session advisory lock on the connection its passes then use."""
        if not is_postgres(self.engine):
            yield Turn(True, None)
            return
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            driver = await in_transaction(conn)  # autocommit: none is begun
            if not await driver.fetchval("SELECT pg_try_advisory_lock($1)", self.lock):
                yield Turn(False, None)  # another relay of this database publishes now
                return
            try:
                yield Turn(True, driver)
            finally:
                try:
                    await driver.execute("SELECT pg_advisory_unlock($1)", self.lock)
                except BaseException:
                    await conn.invalidate()  # closing the session releases the lock
                    raise

    async def _pass(self, driver: asyncpg.Connection | None) -> int:
        """One batch: read, publish, record. On PostgreSQL the rows are read and marked on the
        lock's own session, outside any transaction (each statement commits by itself): two
        round trips (four with the lock's), and no per-value processing in SQLAlchemy."""
        if driver is None:
            rows: Sequence[Any] = await self._unsent_core()
        else:
            rows = [Unsent(*r) for r in await driver.fetch(self._select, self.batch)]
        if not rows:
            return 0
        sent, rejected = await self._publish(rows)
        refused = [(r, rejected[r.id]) for r in rows if r.id in rejected]
        await self._record(sent, refused, driver)
        return len(sent) + len(rejected)

    async def _unsent_core(self) -> list[Any]:
        async with self.engine.connect() as conn:
            t = self.table
            query = select(t).where(t.c.sent_at.is_(None)).order_by(t.c.id).limit(self.batch)
            return list((await conn.execute(query)).all())

    async def _publish(self, rows: Sequence[Any]) -> tuple[list[int], dict[int, str]]:
        """Send in waves (one row per key each); a key stops at its first failure."""
        queues: dict[tuple[str, str], deque[Any]] = {}
        for row in rows:
            queues.setdefault((row.topic, row.key), deque()).append(row)
        sent: list[int] = []
        rejected: dict[int, str] = {}
        while queues:
            wave = [queue.popleft() for queue in queues.values()]
            for row, error in zip(wave, await self._send_wave(wave), strict=True):
                if error is None:
                    sent.append(row.id)
                elif isinstance(error, REJECTED):
                    log.error("outbox row %s refused by the producer: %r", row.id, error)
                    rejected[row.id] = repr(error)
                else:
                    log.warning("outbox row %s not acknowledged: %r", row.id, error)
                    queues[(row.topic, row.key)].clear()
            queues = {k: q for k, q in queues.items() if q}
        return sent, rejected

    async def _send_wave(self, wave: Sequence[Any]) -> list[BaseException | None]:
        pending: list[asyncio.Future[Any] | BaseException] = []
        for row in wave:
            try:
                pending.append(
                    await self.producer.send(
                        row.topic,
                        value=row.value,
                        key=row.key.encode(),
                        headers=[(name, raw.encode()) for name, raw in row.headers],
                    )
                )
            except Exception as exc:  # refused before sending: size, metadata, closed producer
                pending.append(exc)
        results: list[BaseException | None] = []
        for item in pending:
            if isinstance(item, BaseException):
                results.append(item)
                continue
            try:
                await item
                results.append(None)
            except Exception as exc:
                results.append(exc)
        return results

    async def _record(
        self,
        sent: list[int],
        rejected: list[tuple[Any, str]],
        driver: asyncpg.Connection | None = None,
    ) -> None:
        """Mark sent rows and move refused ones aside, in one short transaction (sent rows
        alone: one statement on the lock's session, when there is one)."""
        now, t = datetime.now(UTC), self.table
        if driver is not None and not rejected:
            if sent:
                await driver.execute(self._mark, now, sent)
            return
        async with self.engine.begin() as conn:
            if sent:
                await conn.execute(update(t).where(t.c.id.in_(sent)).values(sent_at=now))
            if rejected:
                kept = ("event_id", "topic", "key", "headers", "value", "created_at")
                await conn.execute(
                    insert(outbox_rejected),
                    [
                        {
                            **{c: getattr(row, c) for c in kept},
                            "outbox": t.name,
                            "outbox_id": row.id,
                            "error": error,
                            "rejected_at": now,
                        }
                        for row, error in rejected
                    ],
                )
                ids = [row.id for row, _ in rejected]
                await conn.execute(delete(t).where(t.c.id.in_(ids)))
        RELAY_REJECTED.inc(len(rejected))

    async def prune(self, *, now: datetime | None = None) -> int:
        """Delete sent rows older than the retention period, in chunks; returns how many."""
        if self.retention is None:
            return 0
        cutoff, t = (now or datetime.now(UTC)) - self.retention, self.table
        total = 0
        while True:
            async with self.engine.begin() as conn:
                old = (
                    select(t.c.id)
                    .where(t.c.sent_at < cutoff)
                    .order_by(t.c.sent_at)
                    .limit(PRUNE_CHUNK)
                    .scalar_subquery()
                )
                deleted = (await conn.execute(delete(t).where(t.c.id.in_(old)))).rowcount
            total += deleted
            if deleted < PRUNE_CHUNK:
                break
        RELAY_PRUNED.inc(total)
        return total

    async def run(self) -> None:
        """Relay until cancelled; broker or database trouble is retried, never fatal. The
        lock is kept between passes (two round trips less a pass) until something fails."""
        while True:
            try:
                async with self._turn() as turn:
                    if turn.mine:
                        await self._relay_while_mine(turn.driver)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed; retrying")
            await self._woken()

    async def _relay_while_mine(self, driver: asyncpg.Connection | None) -> None:
        pruned_at = 0.0
        loop = asyncio.get_running_loop()
        while True:
            # Cleared before the pass: a commit notified during it wakes the next one at once.
            self._wake.clear()
            while await self._pass(driver) == self.batch:
                pass
            if loop.time() - pruned_at >= self.prune_every:
                pruned_at = loop.time()
                await self.prune()
            await self._woken()

    async def _woken(self) -> None:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # arrives as the wake-up does, and a relay that missed its stop() runs on for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.interval):
                await self._wake.wait()

    def start(self) -> None:
        """Run in the background of the current event loop."""
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    async def stop(self) -> None:
        """Cancel the background task and wait for it."""
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def _relay_forever(database_url: str, batch: int) -> None:
    from libs.events.db import make_engine
    from libs.events.kafka import KafkaSettings

    engine = make_engine(database_url)
    producer = KafkaSettings().producer()
    await producer.start()
    try:
        await OutboxRelay(engine, producer, batch=batch, interval=0.05).run()
    finally:
        await producer.stop()
        await engine.dispose()


def main() -> None:
    """`python -m libs.events.outbox DATABASE_URL [BATCH]`: a standalone relay process."""
    import sys

    logging.basicConfig(level=logging.INFO)
    asyncio.run(_relay_forever(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 500))


if __name__ == "__main__":
    main()

"""The outbox relay: publishes committed outbox rows to Kafka, in order per key, at least once.

A late commit is never skipped: the relay keeps no high-water mark. Each pass takes *every*
row still unsent, in id order, so a row whose transaction committed after a row with a
higher id is simply found on the next pass. Per-key order holds because a stream's next
version can only be inserted after its previous one committed, and aiokafka keeps one
request in flight per partition. On PostgreSQL a transaction-scoped advisory lock lets one
relay of a database publish at a time, so two processes of a service never interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy import Table, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.db import is_postgres, outbox

log = logging.getLogger(__name__)
RELAY_LOCK = 7_300_002


class OutboxRelay:
    """Runs `relay_once` whenever notified, and at least every `interval` seconds."""

    def __init__(
        self,
        engine: AsyncEngine,
        producer: AIOKafkaProducer,
        *,
        batch: int = 500,
        interval: float = 0.2,
        table: Table = outbox,
        lock: int = RELAY_LOCK,
    ) -> None:
        self.engine = engine
        self.table = table  # an outbox-shaped table: linkage relays its own to another broker
        self.lock = lock
        self.producer = producer
        self.batch = batch
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Something was committed: publish without waiting for the next interval."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many were marked sent."""
        async with self.engine.begin() as conn:
            if is_postgres(conn):
                locked = await conn.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self.lock}
                )
                if not locked:
                    return 0
            t = self.table
            rows = (
                await conn.execute(
                    select(t.c.id, t.c.topic, t.c.key, t.c.headers, t.c.value)
                    .where(t.c.sent_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch)
                )
            ).all()
            if not rows:
                return 0
            sent = await self._publish(rows)
            if sent:
                await conn.execute(
                    update(t).where(t.c.id.in_(sent)).values(sent_at=datetime.now(UTC))
                )
            return len(sent)

    async def _publish(self, rows: Sequence[Any]) -> list[int]:
        """Send all, then keep the ids up to the first failure: later rows go again next pass."""
        futures = [
            await self.producer.send(
                r.topic,
                value=r.value,
                key=r.key.encode(),
                headers=[(name, raw.encode()) for name, raw in r.headers],
            )
            for r in rows
        ]
        results = await asyncio.gather(*futures, return_exceptions=True)
        sent: list[int] = []
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("outbox row %s not acknowledged: %s", row.id, result)
                break
            sent.append(row.id)
        return sent

    async def run(self) -> None:
        """Relay until cancelled; broker or database trouble is retried, never fatal."""
        while True:
            try:
                while await self.relay_once() == self.batch:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

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

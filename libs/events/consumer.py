"""Consumers: apply each stream's events in order, exactly once in effect, then commit.

Each record goes through the `Applier` (position check and projection in one transaction);
the records of one poll and partition share one transaction while they apply plainly.
A gap (an event ahead of its stream) stops its partition: the offsets before it are
committed, the partition rewinds to it and pauses for a back-off, then tries again; a gap
that outlasts `gap_timeout` is reported and parked with its stream, so the partition goes
on and the stream resumes when the missing event arrives. A handler that keeps failing parks
its stream (later events of the stream wait in `parked`, other streams go on) until an
operator replays it (`onewindow dlq replay`). A record that cannot be parsed, or whose
payload breaks its schema, goes to `<topic>.dlq` with the error and is parked the same way.
A handler that waits for another aggregate's event (`Waiting`) parks its stream until that
event is applied, then the stream is replayed without an operator (libs/events/waiting.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.applier import (
    Applied,
    Applier,
    BatchHandler,
    DeadLetter,
    Handler,
    Raw,
    Waiting,
    one_by_one,
)
from libs.events.db import is_unavailable
from libs.events.envelope import Envelope, UnparseableMessage, from_message
from libs.events.kafka import KafkaSettings
from libs.events.positions import stream_of
from libs.events.registry import Registry, registry
from libs.events.replay import replay_stream
from libs.events.store import ConcurrencyError
from libs.events.waiting import Waits

__all__ = ["Applied", "BatchHandler", "DeadLetter", "Handler", "IdempotentConsumer"]
log = logging.getLogger(__name__)

HANDLER_ATTEMPTS = 3
# Failures of the moment (database away, a writer that got there first): retried until they pass.
TRANSIENT = (OperationalError, InterfaceError, OSError, ConcurrencyError)
PARKED = Applied(False, "parked")


class IdempotentConsumer:
    """Consumes `topics` as group `name`, calling `handle` once per event in effect."""

    def __init__(
        self,
        *,
        name: str,
        engine: AsyncEngine,
        kafka: KafkaSettings,
        topics: list[str],
        handle: Handler,
        producer: AIOKafkaProducer,
        handle_batch: BatchHandler | None = None,
        types: Registry = registry,
        after_commit: Callable[[], None] | None = None,
        gap_timeout: float = 30.0,
        retry_delay: float = 0.2,
        families: frozenset[str] | None = None,
    ) -> None:
        self.name = name
        # Only these families' records reach the database; the others are passed over (their
        # offsets committed): the streams a consumer follows must hold nothing else.
        self.families = families
        self.engine = engine
        self.kafka = kafka
        self.topics = [kafka.topic(t) for t in topics]
        self.producer = producer
        self.applier = Applier(
            name=name, engine=engine, handle=handle, types=types, after_commit=after_commit
        )
        self.handle_batch = handle_batch or one_by_one(handle)
        self.waits = Waits(self.applier)
        self.gap_timeout = gap_timeout
        self.retry_delay = retry_delay
        self.consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._gaps: dict[TopicPartition, tuple[int, float, int]] = {}  # offset, since, tries

    async def apply(self, envelope: Envelope) -> Applied:
        """Apply one event in its own transaction unless this consumer applied it before."""
        return await self.applier.apply(envelope)

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> Applied:
        """Apply one record, retrying a failing handler, then parking its stream."""
        raw = Raw.of_record(record)
        try:
            envelope = from_message(record.key, record.headers, raw.value)
        except UnparseableMessage as exc:
            await self.dead_letter(record, str(exc))
            await self.applier.park(None, raw, reason="unparseable", error=str(exc))
            return PARKED
        for attempt in range(1, HANDLER_ATTEMPTS + 1):
            try:
                applied = await self.applier.apply(envelope, raw=raw)
            except DeadLetter as exc:
                await self.dead_letter(record, str(exc))
                await self.applier.park(envelope, raw, reason="invalid", error=str(exc))
                return PARKED
            except Waiting as exc:  # no fault: retried when what it waits for is applied
                await self.applier.park(envelope, raw, reason="waiting", error=str(exc))
                self.waits.parked(exc.subject, stream_of(envelope))
                return PARKED
            except TRANSIENT:
                raise  # the run loop backs off and rewinds: never park a good event
            except Exception as exc:
                if is_unavailable(exc):
                    raise  # the database went away mid-handler: as transient as the above
                log.exception(
                    "%s: applying %s failed (attempt %d)", self.name, envelope.id, attempt
                )
                if attempt == HANDLER_ATTEMPTS:
                    error = f"handler failed: {exc!r}"
                    await self.applier.park(envelope, raw, reason="failed", error=error)
                    return PARKED
                await asyncio.sleep(self.retry_delay * 2**attempt)
            else:
                if applied.reason == "held":  # the event a parked gap waited for may be here
                    await replay_stream(self.applier, stream_of(envelope), unless_blocked=True)
                elif applied.applied:
                    await self.waits.applied([envelope.subject])
                return applied
        raise AssertionError("unreachable")

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        """Publish the record unchanged to `<topic>.dlq` with the error in its headers."""
        log.warning("%s: %s offset %s to DLQ: %s", self.name, record.topic, record.offset, error)
        headers = [
            *list(record.headers),
            ("dlq_error", error[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self.producer.send_and_wait(
            f"{record.topic}.dlq", value=record.value, key=record.key, headers=headers
        )

    async def run(self) -> None:
        """Consume until cancelled, committing offsets only after records are applied."""
        assert self.consumer is not None
        while True:
            batches = await self.consumer.getmany(timeout_ms=500, max_records=500)
            for tp, records in batches.items():
                await self._consume(tp, records)
            await self.waits.poll()

    async def _consume(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        """Apply one partition's records of a poll in order; stop at a gap."""
        assert self.consumer is not None
        wanted = [r for r in records if self._follows(r)]
        batched = await self._apply_batch(wanted) if wanted else 0
        done: int | None = wanted[batched - 1].offset + 1 if batched else None
        if batched:
            self._gaps.pop(tp, None)
        for record in wanted[batched:]:
            applied = await self.process(record)
            if applied.reason == "gap" and not await self._gap_outlasted(tp, record, applied):
                break
            self._gaps.pop(tp, None)
            done = record.offset + 1
        else:
            done = records[-1].offset + 1  # the records passed over are done too
        if done is not None:
            await self.consumer.commit({tp: done})
        if tp in self._gaps:
            offset, _, tries = self._gaps[tp]
            self.consumer.seek(tp, offset)
            self.consumer.pause(tp)
            delay = min(self.retry_delay * 2**tries, 5.0)
            asyncio.get_running_loop().call_later(delay, self._resume, tp)

    def _follows(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """Whether the record's family is one this consumer follows (unreadable ones are, so
        that they are dead-lettered)."""
        if self.families is None:
            return True
        kind = dict(record.headers).get("ce_type", b"").decode(errors="replace").split(".")
        return len(kind) < 3 or kind[1] in self.families

    def batchable(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """Whether the batch path may apply this record as it is. A subclass that checks each
        record in `process` (linkage's signature and authority gate) says which pass."""
        return type(self).process is IdempotentConsumer.process

    async def _apply_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> int:
        """Apply a poll's leading records in one transaction (in order, positions advanced with
        their effects), up to a gap or a held stream. Any failure rolls all of them back and
        returns 0: the records then go one by one, with retries and parking."""
        leading = list(itertools.takewhile(self.batchable, records))
        if not leading:
            return 0
        try:
            batch = [
                (from_message(r.key, r.headers, r.value or b""), Raw.of_record(r)) for r in leading
            ]
            async with self.engine.begin() as conn:
                count, held = await self.applier.apply_many_in(conn, batch, self.handle_batch)
        except Exception as exc:  # a record the one-by-one path must handle
            log.debug("%s: batch of %d not applied (%r); one by one", self.name, len(leading), exc)
            return 0
        if count and self.applier.after_commit:
            self.applier.after_commit()
        if held is not None:  # the event a parked gap waited for may be here
            await replay_stream(self.applier, stream_of(held), unless_blocked=True)
        await self.waits.applied(envelope.subject for envelope, _ in batch[:count])
        return count

    async def _gap_outlasted(
        self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes], applied: Applied
    ) -> bool:
        """Note the gap; once older than `gap_timeout`, park its stream and go on."""
        now = asyncio.get_running_loop().time()
        offset, since, tries = self._gaps.get(tp, (record.offset, now, 0))
        if offset != record.offset:
            since, tries = now, 0
        if now - since < self.gap_timeout:
            self._gaps[tp] = (record.offset, since, tries + 1)
            return False
        envelope = from_message(record.key, record.headers, record.value or b"")
        error = f"waiting for sequence {applied.expected} for {now - since:.0f}s"
        await self.applier.park(envelope, Raw.of_record(record), reason="gap", error=error)
        return True

    def _resume(self, tp: TopicPartition) -> None:
        if self.consumer is not None and tp in self.consumer.assignment():
            self.consumer.resume(tp)

    async def start(self) -> None:
        """Join the group and consume in the background."""
        self.consumer = self.kafka.consumer(*self.topics, group_id=self._group())
        await self.consumer.start()
        self._task = asyncio.create_task(self._run_forever(), name=f"consumer-{self.name}")

    async def _run_forever(self) -> None:
        while True:
            try:
                await self.run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: consumer loop failed; rewinding", self.name)
                await asyncio.sleep(1)  # broker or database away: back off, then resume
                await self._rewind()

    async def _rewind(self) -> None:
        """Go back to the committed offsets so nothing fetched but unapplied is skipped."""
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            committed = await self.consumer.committed(tp)
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)

    def _group(self) -> str:
        return self.kafka.topic(self.name)

    async def stop(self) -> None:
        """Stop consuming; what was applied but not yet committed is redelivered harmlessly."""
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.consumer:
            await self.consumer.stop()

"""The links of this node: children's pushes on its own broker, and (with a parent) the relay
of its upstream outbox, the pull of what comes down, and the heartbeat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.outbox import OutboxRelay
from libs.events.registry import Event
from services.linkage.adapters import link_rows, metrics
from services.linkage.adapters.link_consumer import Gate, LinkConsumer
from services.linkage.adapters.tables import link_outbox
from services.linkage.application import gates
from services.linkage.application.context import Linkage
from services.linkage.application.heartbeat import heartbeat_forever
from services.linkage.application.receive import when_child_event_apply, when_parent_event_apply
from services.linkage.domain.events import LINK_DOWN, LINK_UP, link_types
from services.linkage.domain.routing import LinkRefused

log = logging.getLogger(__name__)
LINK_RELAY_LOCK = 7_300_011
RETRY_SECONDS = 1.0
Apply = Callable[[AsyncConnection, Linkage, Envelope, Event], Awaitable[None]]


async def run_links(lk: Linkage) -> None:
    """Run until cancelled; everything started here is stopped on the way out."""
    local = await _local_producer(lk)
    await lk.settings.ensure_topics(LINK_UP, LINK_DOWN)
    started: list[Any] = []
    try:
        children = _consumer(
            lk, local, name="linkage-from-children", upstream=False, gate=gates.from_children(lk)
        )
        started.append(children)
        await children.start()
        if not lk.parent:
            await asyncio.Event().wait()
        await _run_parent_link(lk, local, started)
    finally:
        for part in reversed(started):
            await part.stop()


async def _run_parent_link(lk: Linkage, local: AIOKafkaProducer, started: list[Any]) -> None:
    producer = await _connected(lk, lk.parent_kafka.producer)
    started.append(producer)
    retention = timedelta(hours=lk.settings.outbox_retention_hours)
    relay = OutboxRelay(
        lk.runtime.engine, producer, table=link_outbox, lock=LINK_RELAY_LOCK, retention=retention
    )
    relay.start()
    started.append(relay)
    name = f"linkage-from-parent-{lk.center}"  # a group of its own on the parent's broker
    parent = _consumer(lk, local, name=name, upstream=True, gate=gates.from_parent(lk))
    started.append(parent)
    await _retrying(lk, parent.start)
    await heartbeat_forever(lk, producer)


def _consumer(
    lk: Linkage, local: AIOKafkaProducer, *, name: str, upstream: bool, gate: Gate
) -> LinkConsumer:
    """The consumer of the parent's `link-down` (upstream) or of this node's `link-up`."""
    apply: Apply = when_parent_event_apply if upstream else when_child_event_apply

    async def handle(conn: AsyncConnection, env: Envelope, event: Event) -> None:
        await apply(conn, lk, env, event)

    async def refused(exc: LinkRefused) -> None:
        metrics.LINK_REFUSED.labels(lk.center, exc.rule).inc()
        if upstream:  # the parent link's last error; a forged sender names no link of ours
            async with lk.runtime.transaction() as conn:
                error = f"{exc.rule}: {exc}"
                await link_rows.failed(conn, lk.parent, "upstream", error=error, at=lk.now())

    assert lk.runtime.relay is not None
    return LinkConsumer(
        name=name,
        engine=lk.runtime.engine,
        kafka=lk.parent_kafka if upstream else lk.settings,
        topics=[LINK_DOWN if upstream else LINK_UP],
        handle=handle,
        producer=local,  # dead letters stay on this node's broker
        after_commit=lk.runtime.relay.notify,
        gate=gate,
        on_refused=refused,
        types=link_types,
    )


async def _local_producer(lk: Linkage) -> AIOKafkaProducer:
    """The runtime's producer, once it has connected to this node's broker."""
    while True:  # the runtime connects to the broker after starting its background jobs
        if lk.runtime.producer is not None and lk.runtime.relay is not None:
            return lk.runtime.producer
        await asyncio.sleep(0.1)


async def _connected(lk: Linkage, make: Callable[[], AIOKafkaProducer]) -> AIOKafkaProducer:
    while True:
        producer = make()
        try:
            async with asyncio.timeout(10):
                await producer.start()
            return producer
        except Exception as exc:
            await producer.stop()
            await _note(lk, exc)
            await asyncio.sleep(RETRY_SECONDS)


async def _retrying(lk: Linkage, start: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            async with asyncio.timeout(30):
                await start()
            return
        except Exception as exc:
            await _note(lk, exc)
            await asyncio.sleep(RETRY_SECONDS)


async def _note(lk: Linkage, exc: BaseException) -> None:
    log.warning("linkage: parent %s not reachable (%s); retrying", lk.parent, exc)
    async with lk.runtime.transaction() as conn:
        error = f"{type(exc).__name__}: {exc}"
        await link_rows.failed(conn, lk.parent, "upstream", error=error, at=lk.now())

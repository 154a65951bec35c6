"""The links of this node: children's pushes on its own broker, and (with a parent) the relay
of its upstream outbox, the pull of what comes down, and the heartbeat."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from libs.events.outbox import OutboxRelay
from libs.events.runtime import Runtime
from libs.events.uow import SqlUnitOfWork
from services.linkage.adapters import gates, metrics
from services.linkage.adapters.heartbeat import heartbeat_forever
from services.linkage.adapters.link_consumer import LinkConsumer
from services.linkage.adapters.tables import link_outbox
from services.linkage.adapters.views import SqlLinkageViews
from services.linkage.application.link_status import note_parent_error
from services.linkage.application.node import Node
from services.linkage.application.receive import when_child_event_apply, when_parent_event_apply
from services.linkage.domain.events import LINK_DOWN, LINK_UP, link_types
from services.linkage.domain.routing import LinkRefused

log = logging.getLogger(__name__)
LINK_RELAY_LOCK = 7_300_011
RETRY_SECONDS = 1.0
Uow = SqlUnitOfWork[SqlLinkageViews]


def consumer_names(node: Node) -> tuple[str, str]:
    """The groups of the children's link (this node's broker) and of the parent's link (a group
    of its own on the parent's broker)."""
    return "linkage-from-children", f"linkage-from-parent-{node.center}"


async def run_links(runtime: Runtime, *, uow: Uow, node: Node) -> None:
    """Run until cancelled; everything started here is stopped on the way out."""
    local = await _local_producer(runtime)
    await node.settings.ensure_topics(LINK_UP, LINK_DOWN)
    started: list[Any] = []
    try:
        children = _consumer(runtime, local, uow=uow, node=node, upstream=False)
        started.append(children)
        await children.start()
        if not node.parent:
            await asyncio.Event().wait()
        await _run_parent_link(runtime, local, started, uow=uow, node=node)
    finally:
        for part in reversed(started):
            await part.stop()


async def _run_parent_link(
    runtime: Runtime, local: AIOKafkaProducer, started: list[Any], *, uow: Uow, node: Node
) -> None:
    producer = await _connected(node.parent_kafka.producer, uow=uow, node=node)
    started.append(producer)
    retention = timedelta(hours=node.settings.outbox_retention_hours)
    relay = OutboxRelay(
        runtime.engine, producer, table=link_outbox, lock=LINK_RELAY_LOCK, retention=retention
    )
    relay.start()
    started.append(relay)
    parent = _consumer(runtime, local, uow=uow, node=node, upstream=True)
    started.append(parent)
    await _retrying(parent.start, uow=uow, node=node)
    await heartbeat_forever(producer, uow=uow, node=node)


def link_handlers(uow: Uow, node: Node) -> dict[str, Any]:
    """Each link consumer's handler by its name, over the consumer's own transaction."""
    children, parent = consumer_names(node)
    return {
        children: uow.handler(functools.partial(when_child_event_apply, node=node)),
        parent: uow.handler(functools.partial(when_parent_event_apply, node=node)),
    }


def _consumer(
    runtime: Runtime, local: AIOKafkaProducer, *, uow: Uow, node: Node, upstream: bool
) -> LinkConsumer:
    """The consumer of the parent's `link-down` (upstream) or of this node's `link-up`."""
    name = consumer_names(node)[1 if upstream else 0]
    gate: gates.Gate = gates.from_parent(node) if upstream else gates.from_children(node)

    async def refused(exc: LinkRefused) -> None:
        metrics.LINK_REFUSED.labels(node.center, exc.rule).inc()
        if upstream:  # the parent link's last error; a forged sender names no link of ours
            await note_parent_error(uow=uow, node=node, error=f"{exc.rule}: {exc}")

    assert runtime.relay is not None
    return LinkConsumer(
        name=name,
        engine=runtime.engine,
        kafka=node.parent_kafka if upstream else node.settings,
        topics=[LINK_DOWN if upstream else LINK_UP],
        handle=link_handlers(uow, node)[name],
        producer=local,  # dead letters stay on this node's broker
        after_commit=runtime.relay.notify,
        gate=gate,
        on_refused=refused,
        types=link_types,
    )


async def _local_producer(runtime: Runtime) -> AIOKafkaProducer:
    """The runtime's producer, once it has connected to this node's broker."""
    while True:  # the runtime connects to the broker after starting its background jobs
        if runtime.producer is not None and runtime.relay is not None:
            return runtime.producer
        await asyncio.sleep(0.1)


async def _connected(
    make: Callable[[], AIOKafkaProducer], *, uow: Uow, node: Node
) -> AIOKafkaProducer:
    while True:
        producer = make()
        try:
            async with asyncio.timeout(10):
                await producer.start()
            return producer
        except Exception as exc:
            await producer.stop()
            await _note(exc, uow=uow, node=node)
            await asyncio.sleep(RETRY_SECONDS)


async def _retrying(start: Callable[[], Awaitable[None]], *, uow: Uow, node: Node) -> None:
    while True:
        try:
            async with asyncio.timeout(30):
                await start()
            return
        except Exception as exc:
            await _note(exc, uow=uow, node=node)
            await asyncio.sleep(RETRY_SECONDS)


async def _note(exc: BaseException, *, uow: Uow, node: Node) -> None:
    log.warning("linkage: parent %s not reachable (%s); retrying", node.parent, exc)
    await note_parent_error(uow=uow, node=node, error=f"{type(exc).__name__}: {exc}")

"""The child's heartbeat: acknowledged by the parent's broker, it is the measured round trip."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer

from libs.events.uow import UnitOfWork
from services.linkage.adapters.records import signed_row
from services.linkage.application.link_status import note_parent_contact, note_parent_error
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.application.receive import link_event
from services.linkage.domain.events import LinkHeartbeat


async def heartbeat_forever(
    producer: AIOKafkaProducer, *, uow: UnitOfWork[LinkageViews], node: Node
) -> None:
    """Beat until cancelled."""
    while True:
        await heartbeat_once(producer, uow=uow, node=node)
        await asyncio.sleep(node.settings.link_heartbeat_seconds)


async def heartbeat_once(
    producer: AIOKafkaProducer, *, uow: UnitOfWork[LinkageViews], node: Node
) -> bool:
    """Send one heartbeat and record the round trip, or the error; True when it got through."""
    beat = LinkHeartbeat(
        center=node.center, name=node.settings.center_name, parent=node.parent, sent_at=node.now()
    )
    row = signed_row(link_event(node, beat), topic=node.up_topic, keys=node.keys)
    try:
        async with asyncio.timeout(max(2.0, node.settings.link_heartbeat_seconds)):
            await producer.send_and_wait(
                row["topic"],
                value=row["value"],
                key=row["key"].encode(),
                headers=[(name, raw.encode()) for name, raw in row["headers"]],
            )
    except Exception as exc:
        error = "no answer from the parent's broker" if isinstance(exc, TimeoutError) else repr(exc)
        await note_parent_error(uow=uow, node=node, error=error)
        return False
    await note_parent_contact(uow=uow, node=node)
    return True

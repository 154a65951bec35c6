"""The child's heartbeat: acknowledged by the parent's broker, it is the measured round trip."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer

from services.linkage.adapters import crossings, link_rows
from services.linkage.application.context import Linkage
from services.linkage.application.receive import link_event
from services.linkage.domain.events import LinkHeartbeat


async def heartbeat_forever(lk: Linkage, producer: AIOKafkaProducer) -> None:
    """Beat until cancelled."""
    while True:
        await heartbeat_once(lk, producer)
        await asyncio.sleep(lk.settings.link_heartbeat_seconds)


async def heartbeat_once(lk: Linkage, producer: AIOKafkaProducer) -> bool:
    """Send one heartbeat and record the round trip, or the error; True when it got through."""
    beat = LinkHeartbeat(
        center=lk.center, name=lk.settings.center_name, parent=lk.parent, sent_at=lk.now()
    )
    row = crossings.signed_row(link_event(lk, beat), topic=lk.up_topic, keys=lk.keys)
    try:
        async with asyncio.timeout(max(2.0, lk.settings.link_heartbeat_seconds)):
            await producer.send_and_wait(
                row["topic"],
                value=row["value"],
                key=row["key"].encode(),
                headers=[(name, raw.encode()) for name, raw in row["headers"]],
            )
    except Exception as exc:
        error = "no answer from the parent's broker" if isinstance(exc, TimeoutError) else repr(exc)
        async with lk.runtime.transaction() as conn:
            await link_rows.failed(conn, lk.parent, "upstream", error=error, at=lk.now())
        return False
    async with lk.runtime.transaction() as conn:
        await link_rows.contact(conn, lk.parent, "upstream", at=lk.now())
    return True

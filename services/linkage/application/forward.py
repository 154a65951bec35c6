"""Events of this node that cross a link: the case feed and escalations up, results down."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.privacy import mask_personal_data
from services.linkage.adapters import crossings
from services.linkage.application.context import Linkage
from services.linkage.domain.routing import down_hop, goes_up, origin


async def when_local_event_cross_links(conn: AsyncConnection, lk: Linkage, env: Envelope) -> None:
    """Store and forward: the crossing and its signed outbox row commit with the offset."""
    if goes_up(env, own=lk.center, parent=lk.parent):
        outgoing = env.model_copy(update={"data": mask_personal_data(env.data)})
        await crossings.send_up(
            conn, crossings.signed_row(outgoing, topic=lk.up_topic, keys=lk.keys)
        )
        await crossings.record(
            conn, outgoing, direction="up", peer=lk.parent, destination=lk.parent
        )
    hop = down_hop(env, own=lk.center)
    if hop is not None:
        await _send_down(conn, lk, env, hop)


async def _send_down(conn: AsyncConnection, lk: Linkage, env: Envelope, hop: str) -> None:
    """A result decided here starts this node's crossing stream of the case (a whole stream for
    the receiver); one relayed from above goes on unchanged."""
    if origin(env) == lk.center:
        version = await crossings.minted(conn, source=lk.source, case_id=env.subject)
        env = Envelope(
            type=env.type,
            source=lk.source,
            subject=env.subject,
            time=env.time,
            center=lk.center,
            sequence=version + 1,
            traceparent=env.traceparent,
            data=env.data,
        )
    await crossings.send_here(conn, crossings.signed_row(env, topic=lk.down_topic, keys=lk.keys))
    destination = str(env.data["center"])
    await crossings.record(conn, env, direction="down", peer=hop, destination=destination)

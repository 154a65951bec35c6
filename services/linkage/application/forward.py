"""Events of this node that cross a link: the case feed and escalations up, results down."""

from __future__ import annotations

from libs.events.envelope import Envelope
from libs.events.privacy import mask_personal_data
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.adapters.records import signed_row
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.domain.routing import down_hop, goes_up, origin


async def when_local_event_cross_links(
    tx: Transaction[LinkageViews], env: Envelope, _: Event, *, node: Node
) -> None:
    """Store and forward: the crossing and its signed outbox row commit with the offset."""
    links = tx.views.links
    if goes_up(env, own=node.center, parent=node.parent):
        outgoing = env.model_copy(update={"data": mask_personal_data(env.data)})
        await links.send_up(signed_row(outgoing, topic=node.up_topic, keys=node.keys))
        await links.record_crossing(
            outgoing, direction="up", peer=node.parent, destination=node.parent
        )
    hop = down_hop(env, own=node.center)
    if hop is not None:
        await _send_down(tx.views, node, env, hop)


async def _send_down(views: LinkageViews, node: Node, env: Envelope, hop: str) -> None:
    """A result decided here starts this node's crossing stream of the case (a whole stream for
    the receiver); one relayed from above goes on unchanged."""
    if origin(env) == node.center:
        version = await views.links.minted(source=node.source, case_id=env.subject)
        env = Envelope(
            type=env.type,
            source=node.source,
            subject=env.subject,
            time=env.time,
            center=node.center,
            sequence=version + 1,
            traceparent=env.traceparent,
            data=env.data,
        )
    await views.links.send_here(signed_row(env, topic=node.down_topic, keys=node.keys))
    destination = str(env.data["center"])
    await views.links.record_crossing(env, direction="down", peer=hop, destination=destination)

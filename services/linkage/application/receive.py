"""Events that came across a link, verified already: republished here, acknowledged, counted."""

from __future__ import annotations

from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.adapters.records import plain_row, signed_row
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.domain.centers import next_hop_down
from services.linkage.domain.events import LinkAcknowledged, LinkHeartbeat
from services.linkage.domain.routing import origin


def upcast(env: Envelope, event: Event) -> Envelope:
    """The event as this node's newest version of its type (an older major is upcast)."""
    if event.TYPE == env.type:
        return env
    return env.model_copy(update={"type": event.TYPE, "data": event.model_dump(mode="json")})


async def when_child_event_apply(
    tx: Transaction[LinkageViews], env: Envelope, event: Event, *, node: Node
) -> None:
    """A child's heartbeat, acknowledgement, or case event (republished on this node's topics)."""
    links = tx.views.links
    child, at = next_hop_down(node.center, origin(env)), node.now()
    match event:
        case LinkHeartbeat():
            await links.contact(child, "downstream", at=at)
        case LinkAcknowledged():
            await links.acknowledge(event.event_id, at=at)
            await links.sent(child, "downstream", at=at)
            await links.contact(child, "downstream", at=at)
        case _:
            await links.send_here(plain_row(upcast(env, event), kafka=node.settings))
            await links.received(child, "downstream", event_type=env.type, at=at)


async def when_parent_event_apply(
    tx: Transaction[LinkageViews], env: Envelope, event: Event, *, node: Node
) -> None:
    """A result from above: republished here (and so routed further down), then acknowledged."""
    links, at = tx.views.links, node.now()
    await links.send_here(plain_row(upcast(env, event), kafka=node.settings))
    ack = LinkAcknowledged(center=node.center, event_id=env.id, acknowledged_at=at)
    await links.send_up(signed_row(link_event(node, ack), topic=node.up_topic, keys=node.keys))
    await links.received(node.parent, "upstream", event_type=env.type, at=at)


def link_event(node: Node, event: Event) -> Envelope:
    """An envelope of linkage's own link events (no stream: deduplicated by id)."""
    return Envelope(
        type=event.TYPE,
        source=node.source,
        subject=f"link-{node.center}",
        center=node.center,
        sequence=0,
        data=event.model_dump(mode="json"),
    )

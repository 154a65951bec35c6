"""Events that came across a link, verified already: republished here, acknowledged, counted."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.linkage.adapters import crossings, link_rows
from services.linkage.application.context import Linkage
from services.linkage.domain.centers import next_hop_down
from services.linkage.domain.events import LinkAcknowledged, LinkHeartbeat
from services.linkage.domain.routing import origin


def upcast(env: Envelope, event: Event) -> Envelope:
    """The event as this node's newest version of its type (an older major is upcast)."""
    if event.TYPE == env.type:
        return env
    return env.model_copy(update={"type": event.TYPE, "data": event.model_dump(mode="json")})


async def when_child_event_apply(
    conn: AsyncConnection, lk: Linkage, env: Envelope, event: Event
) -> None:
    """A child's heartbeat, acknowledgement, or case event (republished on this node's topics)."""
    child, at = next_hop_down(lk.center, origin(env)), lk.now()
    match event:
        case LinkHeartbeat():
            await link_rows.contact(conn, child, "downstream", at=at)
        case LinkAcknowledged():
            await crossings.acknowledge(conn, event.event_id, at=at)
            await link_rows.sent(conn, child, "downstream", at=at)
            await link_rows.contact(conn, child, "downstream", at=at)
        case _:
            await crossings.send_here(
                conn, crossings.plain_row(upcast(env, event), kafka=lk.settings)
            )
            await link_rows.received(conn, child, "downstream", event_type=env.type, at=at)


async def when_parent_event_apply(
    conn: AsyncConnection, lk: Linkage, env: Envelope, event: Event
) -> None:
    """A result from above: republished here (and so routed further down), then acknowledged."""
    at = lk.now()
    await crossings.send_here(conn, crossings.plain_row(upcast(env, event), kafka=lk.settings))
    ack = LinkAcknowledged(center=lk.center, event_id=env.id, acknowledged_at=at)
    await crossings.send_up(
        conn, crossings.signed_row(link_event(lk, ack), topic=lk.up_topic, keys=lk.keys)
    )
    await link_rows.received(conn, lk.parent, "upstream", event_type=env.type, at=at)


def link_event(lk: Linkage, event: Event) -> Envelope:
    """An envelope of linkage's own link events (no stream: deduplicated by id)."""
    return Envelope(
        type=event.TYPE,
        source=lk.source,
        subject=f"link-{lk.center}",
        center=lk.center,
        sequence=0,
        data=event.model_dump(mode="json"),
    )

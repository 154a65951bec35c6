"""Records every delivery from another center, per link."""

from collections.abc import Awaitable, Callable

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.linkage.adapters.tables import links

Handler = Callable[[AsyncConnection, Envelope, Event], Awaitable[None]]


def when_event_from_another_center_record_delivery(own: str, parent: str) -> Handler:
    """A handler that counts events of other centers on the link they arrive by."""

    async def handle(conn: AsyncConnection, env: Envelope, _: Event) -> None:
        if env.center in ("", own):
            return
        found = await conn.execute(select(links.c.delivered).where(links.c.center == env.center))
        row = found.first()
        values = {"last_event": env.type, "last_delivery_at": env.time}
        if row is None:
            direction = "upstream" if env.center == parent else "downstream"
            await conn.execute(
                insert(links).values(center=env.center, direction=direction, delivered=1, **values)
            )
        else:
            await conn.execute(
                update(links)
                .where(links.c.center == env.center)
                .values(delivered=row.delivered + 1, **values)
            )

    return handle

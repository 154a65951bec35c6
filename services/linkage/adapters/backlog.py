"""What is still undelivered on each link, and when the upstream link last delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.linkage.adapters.tables import crossings, link_outbox


async def pending_up(conn: AsyncConnection) -> tuple[int, datetime | None]:
    """Rows not yet taken by the parent's broker, and the oldest one's time."""
    query = select(func.count(), func.min(link_outbox.c.created_at)).where(
        link_outbox.c.sent_at.is_(None)
    )
    count, oldest = (await conn.execute(query)).one()
    return int(count), oldest


async def last_sent_up(conn: AsyncConnection) -> datetime | None:
    """When the parent's broker last took a row."""
    sent: datetime | None = (
        await conn.execute(select(func.max(link_outbox.c.sent_at)))
    ).scalar_one()
    return sent


async def pending_down(conn: AsyncConnection, child: str) -> tuple[int, datetime | None]:
    """Results sent down on the way to `child` that it has not acknowledged yet."""
    query = select(func.count(), func.min(crossings.c.created_at)).where(
        crossings.c.direction == "down",
        crossings.c.peer == child,
        crossings.c.acknowledged_at.is_(None),
    )
    count, oldest = (await conn.execute(query)).one()
    return int(count), oldest

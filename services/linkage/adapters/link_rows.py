"""The `links` rows: what each link last did, in each direction, and its last error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.linkage.adapters.tables import links


async def _upsert(
    conn: AsyncConnection, center: str, direction: str, values: dict[str, Any], *, count: bool
) -> None:
    found = await conn.execute(select(links.c.delivered).where(links.c.center == center))
    row = found.first()
    if row is None:
        await conn.execute(
            insert(links).values(
                center=center, direction=direction, delivered=1 if count else 0, **values
            )
        )
        return
    delivered = row.delivered + 1 if count else row.delivered
    await conn.execute(
        update(links).where(links.c.center == center).values(delivered=delivered, **values)
    )


async def received(
    conn: AsyncConnection, center: str, direction: str, *, event_type: str, at: datetime
) -> None:
    """An event from that center was applied here."""
    values = {"last_event": event_type, "last_delivery_at": at, "last_contact_at": at}
    await _upsert(conn, center, direction, values, count=True)


async def contact(conn: AsyncConnection, center: str, direction: str, *, at: datetime) -> None:
    """A round trip to the parent's broker succeeded, or a child's heartbeat arrived."""
    await _upsert(conn, center, direction, {"last_contact_at": at, "alerted_at": None}, count=False)


async def sent(conn: AsyncConnection, center: str, direction: str, *, at: datetime) -> None:
    """That center acknowledged (child) or its broker took (parent) what this node sent."""
    await _upsert(conn, center, direction, {"last_sent_at": at}, count=False)


async def failed(
    conn: AsyncConnection, center: str, direction: str, *, error: str, at: datetime
) -> None:
    """The link's last error, kept until the next one."""
    await _upsert(
        conn, center, direction, {"last_error": error[:2000], "last_error_at": at}, count=False
    )


async def alerted(conn: AsyncConnection, center: str, *, at: datetime) -> None:
    """The alert of the current down spell was raised."""
    await conn.execute(update(links).where(links.c.center == center).values(alerted_at=at))


async def all_links(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every link row, by center."""
    rows = await conn.execute(select(links).order_by(links.c.center))
    return [dict(r) for r in rows.mappings()]

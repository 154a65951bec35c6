"""The light events of the service's own store, as the live feed reads them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.db import events
from services.supervision.domain.scope import Scope
from services.supervision.events import WarningIssued

FEED_TYPES = (s.LightChanged.TYPE, WarningIssued.TYPE)
BATCH = 200


async def last_position(conn: AsyncConnection) -> int:
    """The store's newest position (a new client starts after it)."""
    return int(
        (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()
    )


async def changes_after(
    conn: AsyncConnection, position: int, scope: Scope
) -> tuple[int, list[tuple[int, str, dict[str, Any]]]]:
    """Visible light events after `position`: the new position and (position, kind, data)."""
    query = (
        select(events.c.position, events.c.type, events.c.data)
        .where(events.c.position > position, events.c.type.in_(FEED_TYPES))
        .order_by(events.c.position)
        .limit(BATCH)
    )
    rows = (await conn.execute(query)).all()
    found = [
        (r.position, "light" if r.type == s.LightChanged.TYPE else "warning", dict(r.data))
        for r in rows
        if scope.allows(r.data.get("center"), r.data.get("department"))
    ]
    return (rows[-1].position if rows else position), found

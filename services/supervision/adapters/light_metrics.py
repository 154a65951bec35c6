"""Lights by colour for `/metrics`: open cases' whole-case lights, read at scrape time."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.metrics import Sample
from services.supervision.adapters.tables import lights


async def lights_by_color(conn: AsyncConnection) -> list[Sample]:
    """One gauge per colour (green, yellow, red) of the open cases."""
    query = (
        select(lights.c.color, func.count())
        .where(lights.c.part == "", lights.c.completed_at.is_(None), lights.c.closed_at.is_(None))
        .group_by(lights.c.color)
    )
    counts = {str(color): float(n) for color, n in await conn.execute(query) if color}
    return [
        Sample("onewindow_lights", "Open cases by light colour", {"color": c}, counts.get(c, 0.0))
        for c in ("green", "yellow", "red")
    ]

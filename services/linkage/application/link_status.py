"""Each link as measured now: for `GET /v1/links`, the metrics and the down alert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.linkage.adapters import backlog, link_rows
from services.linkage.adapters.backlog import aware
from services.linkage.application.context import Linkage
from services.linkage.domain.links import Measured


async def measured_links(conn: AsyncConnection, lk: Linkage) -> list[Measured]:
    """The parent (always, once configured) and every child seen."""
    rows = {r["center"]: r for r in await link_rows.all_links(conn) if r["center"] != lk.center}
    if lk.parent and lk.parent not in rows:
        rows[lk.parent] = {"center": lk.parent, "direction": "upstream"}
    rows = {c: r for c, r in rows.items() if c == lk.parent or r["direction"] == "downstream"}
    return [await _measure(conn, row) for row in rows.values()]


async def _measure(conn: AsyncConnection, row: dict[str, Any]) -> Measured:
    received, sent = aware(row.get("last_delivery_at")), aware(row.get("last_sent_at"))
    if row["direction"] == "upstream":
        count, oldest = await backlog.pending_up(conn)
        up_at: datetime | None = await backlog.last_sent_up(conn)
        down_at = received
    else:
        count, oldest = await backlog.pending_down(conn, row["center"])
        up_at, down_at = received, sent
    return Measured(
        center=row["center"],
        direction=row["direction"],
        last_contact_at=aware(row.get("last_contact_at")),
        backlog=count,
        oldest_undelivered_at=oldest,
        delivered_up_at=up_at,
        delivered_down_at=down_at,
        last_error=row.get("last_error"),
        last_error_at=aware(row.get("last_error_at")),
        alerted_at=aware(row.get("alerted_at")),
    )

"""Append supervision's own events and fold them into the projection in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.http import Problem
from libs.events.registry import Event
from services.supervision.application.context import Supervision
from services.supervision.application.project_own import apply_own


async def record(
    sv: Supervision,
    conn: AsyncConnection,
    stream: str,
    new: Sequence[Event],
    *,
    center: str,
    version: int | None = None,
) -> None:
    """Append at `version` (default: the stream's current one; 409 if it moved) and project."""
    if version is None:
        version = await sv.store.version(conn, stream)
    await sv.store.append(conn, stream, version, new, center=center)
    for event in new:
        await apply_own(conn, event)


KINDS_ZH = {
    "opinion": "督察意见",
    "complaint": "投诉",
    "rating": "评价",
    "notice": "整改通知书",
}


async def find(conn: AsyncConnection, table: Table, key: str, what: str) -> dict[str, Any]:
    """The row of `table` with this primary key, or 404 naming `what`."""
    [column] = list(table.primary_key.columns)
    row = (await conn.execute(select(table).where(column == key))).mappings().first()
    if row is None:
        raise Problem(
            404,
            f"{what} {key} does not exist",
            detail_zh=f"{KINDS_ZH.get(what, what)} {key} 不存在",
        )
    return dict(row)

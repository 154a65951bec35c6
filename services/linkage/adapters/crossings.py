"""Recording what crosses a link: the crossing row and its outbox row, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.db import outbox
from libs.events.envelope import Envelope
from services.linkage.adapters.tables import crossings, link_outbox


async def send_up(conn: AsyncConnection, row: dict[str, Any]) -> None:
    """Queue a signed row for the parent's broker."""
    await conn.execute(insert(link_outbox).values(**row))


async def send_here(conn: AsyncConnection, row: dict[str, Any]) -> None:
    """Queue a row for this node's broker (republished events, results sent down)."""
    await conn.execute(insert(outbox).values(**row))


async def record(
    conn: AsyncConnection, env: Envelope, *, direction: str, peer: str, destination: str
) -> None:
    """The permanent record of one crossing (outbox rows are pruned, these are kept)."""
    await conn.execute(
        insert(crossings).values(
            event_id=env.id,
            direction=direction,
            peer=peer,
            destination=destination,
            case_id=env.subject,
            type=env.type,
            source=env.source,
            sequence=env.sequence,
            created_at=datetime.now(UTC),
        )
    )


async def minted(conn: AsyncConnection, *, source: str, case_id: str) -> int:
    """How many results this node already sent down for a case (its crossing stream's version)."""
    query = select(func.count()).where(
        crossings.c.source == source,
        crossings.c.case_id == case_id,
        crossings.c.direction == "down",
    )
    return int((await conn.execute(query)).scalar_one())


async def acknowledge(conn: AsyncConnection, event_id: str, *, at: datetime) -> str | None:
    """Mark a crossing sent down as applied below; returns its link (None when unknown)."""
    found = await conn.execute(
        select(crossings.c.peer, crossings.c.acknowledged_at).where(
            crossings.c.event_id == event_id
        )
    )
    row = found.first()
    if row is None:
        return None
    if row.acknowledged_at is None:
        await conn.execute(
            update(crossings).where(crossings.c.event_id == event_id).values(acknowledged_at=at)
        )
    return str(row.peer)

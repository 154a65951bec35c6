"""The links' SQL for one connection: crossings, their outbox rows, the `links` rows, backlogs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from services.linkage.adapters import backlog, crossings, link_rows
from services.linkage.domain.links import LinkRow


class LinkViews:
    """What the link handlers record and read, in the transaction of `conn`."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def send_up(self, row: dict[str, Any]) -> None:
        """Queue a signed row for the parent's broker."""
        await crossings.send_up(self.conn, row)

    async def send_here(self, row: dict[str, Any]) -> None:
        """Queue a row for this node's broker."""
        await crossings.send_here(self.conn, row)

    async def record_crossing(
        self, env: Envelope, *, direction: str, peer: str, destination: str
    ) -> None:
        """The permanent record of one crossing."""
        await crossings.record(
            self.conn, env, direction=direction, peer=peer, destination=destination
        )

    async def minted(self, *, source: str, case_id: str) -> int:
        """How many results this node already sent down for a case."""
        return await crossings.minted(self.conn, source=source, case_id=case_id)

    async def acknowledge(self, event_id: str, *, at: datetime) -> str | None:
        """Mark a crossing sent down as applied below."""
        return await crossings.acknowledge(self.conn, event_id, at=at)

    async def received(self, center: str, direction: str, *, event_type: str, at: datetime) -> None:
        """An event from that center was applied here."""
        await link_rows.received(self.conn, center, direction, event_type=event_type, at=at)

    async def contact(self, center: str, direction: str, *, at: datetime) -> None:
        """A round trip or a heartbeat."""
        await link_rows.contact(self.conn, center, direction, at=at)

    async def sent(self, center: str, direction: str, *, at: datetime) -> None:
        """That center acknowledged what this node sent."""
        await link_rows.sent(self.conn, center, direction, at=at)

    async def failed(self, center: str, direction: str, *, error: str, at: datetime) -> None:
        """The link's last error."""
        await link_rows.failed(self.conn, center, direction, error=error, at=at)

    async def alerted(self, center: str, *, at: datetime) -> None:
        """The alert of the current down spell was raised."""
        await link_rows.alerted(self.conn, center, at=at)

    async def all_links(self) -> list[LinkRow]:
        """Every link row, by center."""
        return [
            LinkRow(
                center=r["center"],
                direction=r["direction"],
                last_delivery_at=r["last_delivery_at"],
                last_sent_at=r["last_sent_at"],
                last_contact_at=r["last_contact_at"],
                last_error=r["last_error"],
                last_error_at=r["last_error_at"],
                alerted_at=r["alerted_at"],
            )
            for r in await link_rows.all_links(self.conn)
        ]

    async def pending_up(self) -> tuple[int, datetime | None]:
        """Rows not yet taken by the parent's broker, and the oldest one's time."""
        return await backlog.pending_up(self.conn)

    async def last_sent_up(self) -> datetime | None:
        """When the parent's broker last took a row."""
        return await backlog.last_sent_up(self.conn)

    async def pending_down(self, child: str) -> tuple[int, datetime | None]:
        """Results sent towards `child` not acknowledged yet."""
        return await backlog.pending_down(self.conn, child)

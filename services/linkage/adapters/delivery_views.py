"""Webhook deliveries' SQL for one connection: kept events, the queue, outcomes, retention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy import update as update_
from sqlalchemy.ext.asyncio import AsyncConnection

from services.linkage.adapters.webhook_tables import deliveries, webhook_events
from services.linkage.application.ports import DeliveryRow, KeptEvent
from services.linkage.domain.delivery import Queued

d, e = deliveries.c, webhook_events.c
_OUTCOME = (
    update_(deliveries)
    .where(d.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        last_status=bindparam("b_last_status"),
        last_error=bindparam("b_last_error"),
        latency_ms=bindparam("b_latency_ms"),
        next_attempt_at=bindparam("b_next"),
        delivered_at=bindparam("b_delivered_at"),
    )
)


class DeliveryViews:
    """The `webhook_events` and `webhook_deliveries` rows, in the transaction of `conn`."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def keep(self, row: dict[str, Any]) -> int:
        """Keep a case event for replay; its position."""
        query = insert(webhook_events).returning(e.position)
        position: int = (await self.conn.execute(query, [row])).scalar_one()
        return position

    async def earlier_facts(self, case_id: str) -> tuple[str, str] | None:
        """Department and item of the case's first kept event that names them."""
        found = (
            await self.conn.execute(
                select(e.department, e.item)
                .where(e.case_id == case_id, e.item != "")
                .order_by(e.position)
                .limit(1)
            )
        ).first()
        return None if found is None else (found.department, found.item)

    async def queue(self, rows: Sequence[dict[str, Any]]) -> None:
        """Queue pending deliveries."""
        if rows:
            await self.conn.execute(insert(deliveries), list(rows))

    async def retry_now(self, subscription_id: str, *, now: datetime) -> None:
        """What waits for a back-off goes at once, oldest first."""
        await self.conn.execute(
            update_(deliveries)
            .where(d.subscription_id == subscription_id, d.status == "pending")
            .values(next_attempt_at=now)
        )

    async def redeliver_dead(self, subscription_id: str, *, now: datetime) -> int:
        """The dead letters pending again, from their first attempt; how many."""
        result = await self.conn.execute(
            update_(deliveries)
            .where(d.subscription_id == subscription_id, d.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
        )
        return int(result.rowcount)

    async def position_of(self, event_id: str) -> int | None:
        """The position of a kept event (None when it is not kept)."""
        query = select(e.position).where(e.event_id == event_id)
        position: int | None = (await self.conn.execute(query)).scalar()
        return position

    async def kept(
        self, *, after: int | None, since: datetime | None, limit: int
    ) -> list[KeptEvent]:
        """Kept events after a position or at or after a time, oldest first."""
        query = select(*(e[f.name] for f in fields(KeptEvent))).order_by(e.position).limit(limit)
        if after is not None:
            query = query.where(e.position > after)
        if since is not None:
            query = query.where(e.time >= since)
        return [KeptEvent(**r) for r in (await self.conn.execute(query)).mappings()]

    async def log(
        self, subscription_id: str, *, status: str | None, limit: int
    ) -> list[DeliveryRow]:
        """The subscription's deliveries, newest first."""
        query = select(*(d[f.name] for f in fields(DeliveryRow))).where(
            d.subscription_id == subscription_id
        )
        if status:
            query = query.where(d.status == status)
        rows = await self.conn.execute(query.order_by(d.id.desc()).limit(limit))
        return [DeliveryRow(**r) for r in rows.mappings()]

    async def counts(self, subscription_id: str) -> dict[str, int]:
        """How many deliveries of the subscription are in each status."""
        rows = await self.conn.execute(
            select(d.status, func.count())
            .where(d.subscription_id == subscription_id)
            .group_by(d.status)
        )
        return {s: int(n) for s, n in rows.all()}

    async def pending(self, subscription_id: str, *, limit: int) -> list[Queued]:
        """The oldest pending deliveries of the subscription."""
        rows = await self.conn.execute(
            select(*(d[f.name] for f in fields(Queued)))
            .where(d.subscription_id == subscription_id, d.status == "pending")
            .order_by(d.id)
            .limit(limit)
        )
        return [Queued(**r) for r in rows.mappings()]

    async def envelopes(self, positions: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The kept envelopes at these positions."""
        if not positions:
            return {}
        rows = await self.conn.execute(
            select(e.position, e.envelope).where(e.position.in_(list(positions)))
        )
        return {r.position: r.envelope for r in rows}

    async def record_outcomes(self, rows: Sequence[dict[str, Any]]) -> None:
        """What a batch of attempts left of their deliveries (`b_*` rows)."""
        await self.conn.execute(_OUTCOME, list(rows))

    async def prune_deliveries(self, *, cutoff: datetime, chunk: int) -> int:
        """Delete up to `chunk` deliveries settled before `cutoff`; how many."""
        settled = or_(
            and_(d.status == "delivered", d.delivered_at < cutoff),
            and_(d.status == "dead", d.created_at < cutoff),
        )
        return await self._delete(deliveries, d.id, settled, chunk)

    async def prune_events(self, *, cutoff: datetime, chunk: int) -> int:
        """Delete up to `chunk` kept events older than `cutoff` no delivery refers to."""
        referred = select(d.id).where(d.position == e.position).exists()
        return await self._delete(
            webhook_events, e.position, and_(e.time < cutoff, ~referred), chunk
        )

    async def _delete(
        self, table: Table, key: ColumnElement[Any], where: ColumnElement[bool], chunk: int
    ) -> int:
        subset = select(key).where(where).limit(chunk).scalar_subquery()
        return int((await self.conn.execute(delete(table).where(key.in_(subset)))).rowcount)

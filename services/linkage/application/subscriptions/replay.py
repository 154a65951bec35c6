"""Replay kept events to a subscription from a time or after an event id, or redeliver its
dead letters; and the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.contract import subscriptions as i
from libs.events.http import Problem, RequestBody, invalid
from libs.events.runtime import Runtime
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.adapters.webhook_tables import deliveries, webhook_events
from services.linkage.application.subscriptions.queue import delivery_row
from services.linkage.application.subscriptions.store import load_subscription, save_subscription
from services.linkage.domain.subscriptions import EventFacts, Subscription, matches

REPLAY_LIMIT = 100_000


class Replay(RequestBody):
    """Exactly one of: `from_time`, `after_event_id`, `dead_letters: true`."""

    from_time: AwareDatetime | None = Field(
        default=None, description="events at or after this time"
    )
    after_event_id: str | None = Field(default=None, max_length=64, description="events after it")
    dead_letters: bool = Field(default=False, description="redeliver the dead-lettered ones")

    @model_validator(mode="after")
    def _one_starting_point(self) -> Self:
        given = [self.from_time is not None, self.after_event_id is not None, self.dead_letters]
        if sum(given) != 1:
            raise invalid(
                "OneStartingPoint",
                "give exactly one of from_time, after_event_id, dead_letters",
                "须且只能给出 from_time、after_event_id、dead_letters 之一",
            )
        return self


async def replay(
    subscription_id: str, cmd: Replay, *, runtime: Runtime, principal: Principal
) -> dict[str, Any]:
    """Queue the deliveries again; they go out in order after what is already queued."""
    now = runtime.clock.now()
    async with runtime.transaction() as conn:
        sub = await load_subscription(runtime.store, conn, subscription_id)
        sub.must_be_visible_to(principal)
        if cmd.dead_letters:
            count = await _redeliver_dead(conn, sub.id, now=now)
        else:
            count = await _requeue(conn, sub, cmd)
        requested = i.SubscriptionReplayRequested(
            **sub.base(),
            from_time=cmd.from_time,
            after_event_id=cmd.after_event_id,
            dead_letters=cmd.dead_letters,
            deliveries=count,
            requested_at=now,
            requested_by=principal.sub,
        )
        await save_subscription(runtime.store, conn, sub, [requested], now=now)
    metrics.QUEUED.labels(cause="replay").inc(count)
    return {"subscription_id": sub.id, "deliveries": count}


async def _redeliver_dead(conn: AsyncConnection, subscription_id: str, *, now: datetime) -> int:
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=now, last_error=None)
    )
    return int(result.rowcount)


async def _requeue(conn: AsyncConnection, sub: Subscription, cmd: Replay) -> int:
    query = select(webhook_events).order_by(webhook_events.c.position).limit(REPLAY_LIMIT)
    if cmd.after_event_id is not None:
        after = (
            await conn.execute(
                select(webhook_events.c.position).where(
                    webhook_events.c.event_id == cmd.after_event_id
                )
            )
        ).scalar()
        if after is None:
            raise Problem(
                404,
                f"event {cmd.after_event_id} is not among the events kept for replay",
                rule="EventKept",
                detail_zh=f"事件 {cmd.after_event_id} 不在可重放的事件中",
            )
        query = query.where(webhook_events.c.position > after)
    else:
        query = query.where(webhook_events.c.time >= cmd.from_time)
    rows = [
        delivery_row(sub.id, r["position"], r, cause="replay")
        for r in (await conn.execute(query)).mappings()
        if matches(sub.filters, EventFacts(r["type"], r["center"], r["department"], r["item"]))
    ]
    if rows:
        await conn.execute(insert(deliveries), rows)
    return len(rows)


Status = Literal["pending", "delivered", "dead"]


async def delivery_log(
    subscription_id: str,
    *,
    runtime: Runtime,
    principal: Principal,
    status: Status | None,
    limit: int,
) -> dict[str, Any]:
    """The subscription's deliveries, newest first, and how many there are in each status."""
    async with runtime.engine.connect() as conn:
        sub = await load_subscription(runtime.store, conn, subscription_id)
        sub.must_be_visible_to(principal)
        query = select(deliveries).where(deliveries.c.subscription_id == sub.id)
        if status:
            query = query.where(deliveries.c.status == status)
        rows = (await conn.execute(query.order_by(deliveries.c.id.desc()).limit(limit))).mappings()
        counts = await conn.execute(
            select(deliveries.c.status, func.count())
            .where(deliveries.c.subscription_id == sub.id)
            .group_by(deliveries.c.status)
        )
        return {
            "counts": {s: int(n) for s, n in counts.all()},
            "deliveries": [_view(r) for r in rows],
        }


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "event_id": row["event_id"],
        "event_type": row["event_type"],
        "case_id": row["case_id"],
        "cause": row["cause"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "last_status": row["last_status"],
        "latency_ms": row["latency_ms"],
        "created_at": row["created_at"],
        "next_attempt_at": row["next_attempt_at"],
        "delivered_at": row["delivered_at"],
    }

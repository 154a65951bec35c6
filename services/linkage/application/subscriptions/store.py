"""Load and save subscriptions: events in linkage's store, the projection row in the same
transaction, and the signing secrets beside them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.http import Problem
from libs.events.registry import Event
from libs.events.store import EventStore, load, save
from services.linkage.adapters.webhook_tables import subscription_secrets, subscriptions
from services.linkage.domain.subscriptions import Subscription, stream_of


async def load_subscription(
    store: EventStore, conn: AsyncConnection, subscription_id: str
) -> Subscription:
    """The subscription folded from its events; 404 when it never existed."""
    sub = await load(store, conn, Subscription, stream_of(subscription_id))
    if not sub.version:
        raise Problem(
            404,
            f"subscription {subscription_id} does not exist",
            rule="SubscriptionExists",
            detail_zh=f"订阅 {subscription_id} 不存在",
        )
    return sub


async def save_subscription(
    store: EventStore,
    conn: AsyncConnection,
    sub: Subscription,
    new: Sequence[Event],
    *,
    now: datetime,
) -> None:
    """Append at the loaded version (409 if it moved on), then refresh the projection row."""
    if not new:
        return
    created = sub.version == 0
    await save(store, conn, sub, new)
    row = {
        "owner": sub.owner,
        "center": sub.center,
        "callback_url": sub.callback_url,
        "filters": sub.filters.model_dump(mode="json"),
        "scopes": list(sub.scopes),
        "status": sub.status,
        "version": sub.version,
        "failing_since": sub.failing_since,
    }
    if created:
        await conn.execute(
            insert(subscriptions).values(id=sub.id, created_at=now, failures=0, **row)
        )
    else:
        if sub.status == "active":  # resumed or recovered: the failure streak starts afresh
            row |= {"first_failure_at": None, "failures": 0}
        await conn.execute(update(subscriptions).where(subscriptions.c.id == sub.id).values(**row))


async def add_secret(
    conn: AsyncConnection, subscription_id: str, secret_id: str, secret: str, *, now: datetime
) -> None:
    """Keep a signing secret (valid until rotated out)."""
    await conn.execute(
        insert(subscription_secrets).values(
            secret_id=secret_id, subscription_id=subscription_id, secret=secret, created_at=now
        )
    )


async def expire_secret(conn: AsyncConnection, secret_id: str, *, at: datetime) -> None:
    """The secret stops being used for signing at `at`."""
    await conn.execute(
        update(subscription_secrets)
        .where(subscription_secrets.c.secret_id == secret_id)
        .values(valid_until=at)
    )


async def signing_secrets(
    conn: AsyncConnection, subscription_id: str, *, now: datetime
) -> list[str]:
    """Every secret valid now, newest first: during a rotation the delivery carries both."""
    rows = await conn.execute(
        select(subscription_secrets.c.secret, subscription_secrets.c.valid_until)
        .where(subscription_secrets.c.subscription_id == subscription_id)
        .order_by(subscription_secrets.c.created_at.desc())
    )
    return [r.secret for r in rows if r.valid_until is None or aware(r.valid_until) > now]


def aware(at: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is written in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def read_row(row: Any) -> dict[str, Any]:
    """The API's view of a projection row (never the secret)."""
    return {
        "id": row["id"],
        "owner": row["owner"],
        "center": row["center"],
        "callback_url": row["callback_url"],
        "filters": row["filters"],
        "scopes": row["scopes"],
        "status": row["status"],
        "version": row["version"],
        "created_at": row["created_at"],
        "failing_since": row["failing_since"],
        "failures": row["failures"],
        "last_success_at": row["last_success_at"],
    }

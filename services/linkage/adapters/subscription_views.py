"""Subscriptions' SQL for one connection: the projection rows, the secrets, the leases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import subscriptions as i
from libs.events.paging import keyset
from services.linkage.adapters.webhook_tables import subscription_secrets, subscriptions
from services.linkage.application.ports import SubscriptionRow
from services.linkage.domain.centers import prefix
from services.linkage.domain.subscriptions import Subscription

t = subscriptions.c


def subscription_row(row: Any) -> SubscriptionRow:
    """A projection row as the handlers read it."""
    return SubscriptionRow(
        id=row["id"],
        owner=row["owner"],
        center=row["center"],
        callback_url=row["callback_url"],
        filters=i.SubscriptionFilters.model_validate(row["filters"]),
        scopes=list(row["scopes"]),
        status=row["status"],
        version=row["version"],
        created_at=row["created_at"],
        failing_since=row["failing_since"],
        failures=row["failures"],
        last_success_at=row["last_success_at"],
        first_failure_at=row["first_failure_at"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
    )


class SubscriptionViews:
    """The `subscriptions` and `subscription_secrets` rows, in the transaction of `conn`."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def project(self, sub: Subscription, *, created: bool, now: datetime) -> None:
        """The projection row as the subscription's events leave it."""
        row: dict[str, Any] = {
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
            await self.conn.execute(
                insert(subscriptions).values(id=sub.id, created_at=now, failures=0, **row)
            )
            return
        if sub.status == "active":  # resumed or recovered: the failure streak starts afresh
            row |= {"first_failure_at": None, "failures": 0}
        await self.conn.execute(update(subscriptions).where(t.id == sub.id).values(**row))

    async def row(self, subscription_id: str) -> SubscriptionRow | None:
        """One projection row (None when there is none)."""
        query = select(subscriptions).where(t.id == subscription_id)
        found = (await self.conn.execute(query)).mappings().first()
        return None if found is None else subscription_row(found)

    async def page(
        self, *, owner: str | None, center: str | None, cursor: str | None, limit: int
    ) -> list[SubscriptionRow]:
        """Live subscriptions by creation, of `owner` or of `center` and below (one more row
        than a page, to tell a next page exists)."""
        query = select(subscriptions).where(t.status != "deleted")
        if owner is not None:
            query = query.where(t.owner == owner)
        if center is not None:
            query = query.where(t.center.startswith(prefix(center), autoescape=True))
        query = keyset(query, [t.created_at, t.id], cursor, limit=limit, descending=False)
        return [subscription_row(r) for r in (await self.conn.execute(query)).mappings()]

    async def live_filters(self) -> list[tuple[str, i.SubscriptionFilters]]:
        """Every subscription not deleted, with its filters."""
        rows = await self.conn.execute(select(t.id, t.filters).where(t.status != "deleted"))
        return [(r.id, i.SubscriptionFilters.model_validate(r.filters)) for r in rows]

    async def add_secret(
        self, subscription_id: str, secret_id: str, secret: str, *, now: datetime
    ) -> None:
        """Keep a signing secret (valid until rotated out)."""
        await self.conn.execute(
            insert(subscription_secrets).values(
                secret_id=secret_id, subscription_id=subscription_id, secret=secret, created_at=now
            )
        )

    async def expire_secret(self, secret_id: str, *, at: datetime) -> None:
        """The secret stops being used for signing at `at`."""
        await self.conn.execute(
            update(subscription_secrets)
            .where(subscription_secrets.c.secret_id == secret_id)
            .values(valid_until=at)
        )

    async def signing_secrets(self, subscription_id: str, *, now: datetime) -> list[str]:
        """Every secret valid now, newest first: during a rotation the delivery carries both."""
        s = subscription_secrets.c
        rows = await self.conn.execute(
            select(s.secret, s.valid_until)
            .where(s.subscription_id == subscription_id)
            .order_by(s.created_at.desc())
        )
        return [r.secret for r in rows if r.valid_until is None or r.valid_until > now]

    async def succeeded(
        self, subscription_id: str, *, now: datetime, stamp_before: datetime
    ) -> str | None:
        """End the failure streak; the row is written only when that changes something (or its
        last success is older than `stamp_before`), so a run of successes does not queue up on
        it. The status when written, else None."""
        status: str | None = (
            await self.conn.execute(
                update(subscriptions)
                .where(
                    t.id == subscription_id,
                    or_(
                        t.failures > 0,
                        t.status == "failing",
                        t.last_success_at.is_(None),
                        t.last_success_at < stamp_before,
                    ),
                )
                .values(failures=0, first_failure_at=None, last_success_at=now)
                .returning(t.status)
            )
        ).scalar()
        return status

    async def lengthen_streak(
        self, subscription_id: str, failed: int, *, now: datetime
    ) -> SubscriptionRow:
        """Add `failed` failures to the streak (begun now if none ran); the row as it is now."""
        found = (
            (await self.conn.execute(select(subscriptions).where(t.id == subscription_id)))
            .mappings()
            .one()
        )
        streak = {
            "failures": found["failures"] + failed,
            "first_failure_at": found["first_failure_at"] or now,
        }
        await self.conn.execute(
            update(subscriptions).where(t.id == subscription_id).values(**streak)
        )
        return subscription_row({**found, **streak})

    async def lease(self, owner: str, *, now: datetime, until: datetime) -> set[str]:
        """Take or renew the lease of every subscription not deleted whose lease is free or
        `owner`'s; the ids `owner` holds."""
        await self.conn.execute(
            update(subscriptions)
            .where(
                t.status != "deleted",
                or_(t.lease_owner.is_(None), t.lease_owner == owner, t.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=until)
        )
        rows = await self.conn.execute(
            select(t.id).where(t.lease_owner == owner, t.status != "deleted")
        )
        return {r.id for r in rows}

    async def release(self, owner: str) -> None:
        """Give `owner`'s leases back."""
        await self.conn.execute(
            update(subscriptions)
            .where(t.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

"""What integrators read: a subscription, a page of them, and a subscription's delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from libs.events.auth import Principal, Role
from libs.events.uow import UnitOfWork
from services.linkage.application.ports import DeliveryRow, LinkageViews, SubscriptionRow
from services.linkage.application.subscriptions.common import found_row, load

Status = Literal["pending", "delivered", "dead"]


@dataclass(frozen=True)
class Log:
    """Deliveries newest first, and how many there are in each status."""

    counts: dict[str, int]
    deliveries: list[DeliveryRow]


async def get_subscription(
    subscription_id: str, *, uow: UnitOfWork[LinkageViews], principal: Principal
) -> SubscriptionRow:
    """One subscription the caller may see."""
    async with uow.begin() as tx:
        sub = await load(tx, subscription_id)
        sub.must_be_visible_to(principal)
        return await found_row(tx.views, subscription_id)


async def list_subscriptions(
    *, uow: UnitOfWork[LinkageViews], principal: Principal, cursor: str | None, limit: int
) -> list[SubscriptionRow]:
    """The caller's subscriptions (an administrator: every one of its center and below), oldest
    first, one page (and one row more when a next page exists)."""
    admin = principal.role == Role.admin
    async with uow.begin() as tx:
        return await tx.views.subscriptions.page(
            owner=None if admin else principal.sub,
            center=principal.center if admin else None,
            cursor=cursor,
            limit=limit,
        )


async def delivery_log(
    subscription_id: str,
    *,
    uow: UnitOfWork[LinkageViews],
    principal: Principal,
    status: Status | None,
    limit: int,
) -> Log:
    """The subscription's deliveries, newest first, and how many there are in each status."""
    async with uow.begin() as tx:
        sub = await load(tx, subscription_id)
        sub.must_be_visible_to(principal)
        rows = await tx.views.deliveries.log(sub.id, status=status, limit=limit)
        return Log(counts=await tx.views.deliveries.counts(sub.id), deliveries=rows)

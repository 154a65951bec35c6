"""Load and save a subscription: its events, and its projection row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.application.ports import LinkageViews, SubscriptionRow
from services.linkage.domain.rules import SubscriptionExists
from services.linkage.domain.subscriptions import Subscription, stream_of


async def load(tx: Transaction[LinkageViews], subscription_id: str) -> Subscription:
    """The subscription folded from its events; SubscriptionExists (404) when it never existed."""
    sub = await tx.events.load(Subscription, stream_of(subscription_id))
    if not sub.version:
        raise SubscriptionExists(subscription_id)
    return sub


async def save(
    tx: Transaction[LinkageViews], sub: Subscription, new: Sequence[Event], *, now: datetime
) -> None:
    """Append at the loaded version (409 if it moved on), then refresh the projection row."""
    if not new:
        return
    created = sub.version == 0
    await tx.events.save(sub, new)
    await tx.views.subscriptions.project(sub, created=created, now=now)


async def found_row(views: LinkageViews, subscription_id: str) -> SubscriptionRow:
    """The projection row of a subscription known to exist."""
    row = await views.subscriptions.row(subscription_id)
    if row is None:
        raise SubscriptionExists(subscription_id)
    return row

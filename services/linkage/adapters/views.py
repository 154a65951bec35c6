"""Linkage's views for one connection: links, subscriptions and deliveries (the SQL adapters
behind `application/ports.py`), built per transaction by the unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from services.linkage.adapters.delivery_views import DeliveryViews
from services.linkage.adapters.link_views import LinkViews
from services.linkage.adapters.subscription_views import SubscriptionViews


class SqlLinkageViews:
    """Every linkage repository on one connection (one transaction)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._links = LinkViews(conn)
        self._subscriptions = SubscriptionViews(conn)
        self._deliveries = DeliveryViews(conn)

    @property
    def links(self) -> LinkViews:
        """Crossings, their outbox rows and the `links` rows."""
        return self._links

    @property
    def subscriptions(self) -> SubscriptionViews:
        """Subscriptions' rows, secrets and leases."""
        return self._subscriptions

    @property
    def deliveries(self) -> DeliveryViews:
        """Kept events and the delivery queue."""
        return self._deliveries

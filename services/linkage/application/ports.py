"""What linkage's handlers may call: the views of one transaction (`tx.views`), as ports.

`adapters/views.py` implements them on a database connection; the unit tests' fakes in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from libs.events.contract import subscriptions as i
from libs.events.envelope import Envelope
from services.linkage.domain.delivery import Queued
from services.linkage.domain.links import LinkRow
from services.linkage.domain.subscriptions import Subscription

Row = dict[str, Any]


@dataclass(frozen=True)
class SubscriptionRow:
    """The projection row of a subscription, as the API shows it (never its secret)."""

    id: str
    owner: str
    center: str
    callback_url: str
    filters: i.SubscriptionFilters
    scopes: list[str]
    status: str
    version: int
    created_at: datetime
    failing_since: datetime | None
    failures: int
    last_success_at: datetime | None
    first_failure_at: datetime | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None


@dataclass(frozen=True)
class KeptEvent:
    """A case event kept for replay, with the facts its filters look at."""

    position: int
    event_id: str
    case_id: str
    type: str
    center: str
    department: str
    item: str
    time: datetime


@dataclass(frozen=True)
class DeliveryRow:
    """One delivery of one kept event to one subscription."""

    id: int
    event_id: str
    event_type: str
    case_id: str
    cause: str
    status: str
    attempts: int
    last_error: str | None
    last_status: int | None
    latency_ms: float | None
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None


class LinkViewsPort(Protocol):
    """Crossings, their outbox rows and what each link last did."""

    async def send_up(self, row: Row) -> None: ...
    async def send_here(self, row: Row) -> None: ...
    async def record_crossing(
        self, env: Envelope, *, direction: str, peer: str, destination: str
    ) -> None: ...
    async def minted(self, *, source: str, case_id: str) -> int: ...
    async def acknowledge(self, event_id: str, *, at: datetime) -> str | None: ...
    async def received(
        self, center: str, direction: str, *, event_type: str, at: datetime
    ) -> None: ...
    async def contact(self, center: str, direction: str, *, at: datetime) -> None: ...
    async def sent(self, center: str, direction: str, *, at: datetime) -> None: ...
    async def failed(self, center: str, direction: str, *, error: str, at: datetime) -> None: ...
    async def alerted(self, center: str, *, at: datetime) -> None: ...
    async def all_links(self) -> list[LinkRow]: ...
    async def pending_up(self) -> tuple[int, datetime | None]: ...
    async def last_sent_up(self) -> datetime | None: ...
    async def pending_down(self, child: str) -> tuple[int, datetime | None]: ...


class SubscriptionViewsPort(Protocol):
    """Subscriptions' projection rows, their secrets and the workers' leases."""

    async def project(self, sub: Subscription, *, created: bool, now: datetime) -> None: ...
    async def row(self, subscription_id: str) -> SubscriptionRow | None: ...
    async def page(
        self, *, owner: str | None, center: str | None, cursor: str | None, limit: int
    ) -> list[SubscriptionRow]: ...
    async def live_filters(self) -> list[tuple[str, i.SubscriptionFilters]]: ...
    async def add_secret(
        self, subscription_id: str, secret_id: str, secret: str, *, now: datetime
    ) -> None: ...
    async def expire_secret(self, secret_id: str, *, at: datetime) -> None: ...
    async def signing_secrets(self, subscription_id: str, *, now: datetime) -> list[str]: ...
    async def succeeded(
        self, subscription_id: str, *, now: datetime, stamp_before: datetime
    ) -> str | None: ...
    async def lengthen_streak(
        self, subscription_id: str, failed: int, *, now: datetime
    ) -> SubscriptionRow: ...
    async def lease(self, owner: str, *, now: datetime, until: datetime) -> set[str]: ...
    async def release(self, owner: str) -> None: ...


class DeliveryViewsPort(Protocol):
    """The case events kept for replay and the durable delivery queue."""

    async def keep(self, row: Row) -> int: ...
    async def earlier_facts(self, case_id: str) -> tuple[str, str] | None: ...
    async def queue(self, rows: Sequence[Row]) -> None: ...
    async def retry_now(self, subscription_id: str, *, now: datetime) -> None: ...
    async def redeliver_dead(self, subscription_id: str, *, now: datetime) -> int: ...
    async def position_of(self, event_id: str) -> int | None: ...
    async def kept(
        self, *, after: int | None, since: datetime | None, limit: int
    ) -> list[KeptEvent]: ...
    async def log(
        self, subscription_id: str, *, status: str | None, limit: int
    ) -> list[DeliveryRow]: ...
    async def counts(self, subscription_id: str) -> dict[str, int]: ...
    async def pending(self, subscription_id: str, *, limit: int) -> list[Queued]: ...
    async def envelopes(self, positions: Sequence[int]) -> dict[int, Row]: ...
    async def record_outcomes(self, rows: Sequence[Row]) -> None: ...
    async def prune_deliveries(self, *, cutoff: datetime, chunk: int) -> int: ...
    async def prune_events(self, *, cutoff: datetime, chunk: int) -> int: ...


class LinkageViews(Protocol):
    """Everything linkage keeps besides its events, in one transaction."""

    @property
    def links(self) -> LinkViewsPort: ...
    @property
    def subscriptions(self) -> SubscriptionViewsPort: ...
    @property
    def deliveries(self) -> DeliveryViewsPort: ...

"""Integrators' webhook subscriptions (linkage): their life as events on `supervision-events`.

No event carries a signing secret: secrets stay in linkage's database, events name them by id.
`subscription.failing` is the alert supervisors and the integrator's operators watch for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from libs.events.registry import SUPERVISION_EVENTS, Event, registry

Scope = Literal["personal_data"]


class SubscriptionFilters(Event):
    """What a subscription receives; an empty list lets everything through on that axis."""

    types: list[str] = []  # glob patterns such as `onewindow.case.*`
    centers: list[str] = []  # a center includes every center below it
    departments: list[str] = []
    items: list[str] = []


class SubscriptionEvent(Event):
    """Every subscription event names its subscription, its owner and the owner's center."""

    subscription_id: str
    owner: str
    center: str


@registry.register("onewindow.subscription.created.v1", topic=SUPERVISION_EVENTS)
class SubscriptionCreated(SubscriptionEvent):
    """An integrator subscribed a callback URL to case events."""

    callback_url: str
    filters: SubscriptionFilters
    scopes: list[Scope] = []
    secret_id: str
    created_at: datetime
    created_by: str


@registry.register("onewindow.subscription.changed.v1", topic=SUPERVISION_EVENTS)
class SubscriptionChanged(SubscriptionEvent):
    """The callback URL, the filters or the scopes changed (the fields given are the new ones)."""

    callback_url: str | None = None
    filters: SubscriptionFilters | None = None
    scopes: list[Scope] | None = None
    changed_at: datetime
    changed_by: str


@registry.register("onewindow.subscription.secret_rotated.v1", topic=SUPERVISION_EVENTS)
class SubscriptionSecretRotated(SubscriptionEvent):
    """A new signing secret; the previous one stays valid until `previous_valid_until`."""

    secret_id: str
    previous_secret_id: str
    previous_valid_until: datetime
    rotated_at: datetime
    rotated_by: str


@registry.register("onewindow.subscription.failing.v1", topic=SUPERVISION_EVENTS)
class SubscriptionFailing(SubscriptionEvent):
    """Deliveries to this subscription have kept failing since `since` (an alert)."""

    callback_url: str
    since: datetime
    failures: int
    last_error: str
    pause_at: datetime  # when it pauses by itself unless a delivery gets through before


@registry.register("onewindow.subscription.recovered.v1", topic=SUPERVISION_EVENTS)
class SubscriptionRecovered(SubscriptionEvent):
    """A delivery got through again after the subscription was failing."""

    recovered_at: datetime


@registry.register("onewindow.subscription.paused.v1", topic=SUPERVISION_EVENTS)
class SubscriptionPaused(SubscriptionEvent):
    """Deliveries stop (they queue up) until the subscription is resumed."""

    reason: Literal["requested", "kept_failing"]
    paused_at: datetime
    paused_by: str


@registry.register("onewindow.subscription.resumed.v1", topic=SUPERVISION_EVENTS)
class SubscriptionResumed(SubscriptionEvent):
    """Deliveries start again, from the oldest queued one."""

    resumed_at: datetime
    resumed_by: str


@registry.register("onewindow.subscription.replay_requested.v1", topic=SUPERVISION_EVENTS)
class SubscriptionReplayRequested(SubscriptionEvent):
    """Events from a time or after an event id are delivered again; or dead letters retried."""

    from_time: datetime | None = None
    after_event_id: str | None = None
    dead_letters: bool = False
    deliveries: int
    requested_at: datetime
    requested_by: str


@registry.register("onewindow.subscription.deleted.v1", topic=SUPERVISION_EVENTS)
class SubscriptionDeleted(SubscriptionEvent):
    """The subscription ends; nothing more is delivered to it."""

    deleted_at: datetime
    deleted_by: str

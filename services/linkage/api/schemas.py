"""Linkage API bodies: links, their key, subscriptions, their deliveries, and the webhook."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from libs.events.contract import subscriptions as i
from services.linkage.application.ports import DeliveryRow, SubscriptionRow


class Deliveries(BaseModel):
    """The last delivery in each direction of travel over a link."""

    up: datetime | None = Field(None, description="last event delivered upwards (child -> parent)")
    down: datetime | None = Field(None, description="last event delivered downwards")


class LinkRead(BaseModel):
    """One link of this center, as measured now."""

    center: str
    direction: Literal["upstream", "downstream"]
    state: Literal["up", "down"]
    backlog: int = Field(description="events recorded here and not yet delivered over the link")
    oldest_undelivered_age_s: float | None
    last_delivery_at: Deliveries
    last_contact_at: datetime | None = Field(
        description="last round trip to the parent's broker, or last heartbeat of the child"
    )
    down_for_s: float
    last_error: str | None
    last_error_at: datetime | None


class LinkKeyRead(BaseModel):
    """This center's public link key, for the configuration of its parent and children."""

    center: str
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key_pem: str


class FiltersRead(BaseModel):
    """What the subscription receives (the caller's center is filled in when none was given)."""

    types: list[str]
    centers: list[str]
    departments: list[str]
    items: list[str]

    @classmethod
    def of(cls, filters: i.SubscriptionFilters) -> FiltersRead:
        """The filters as the API shows them."""
        return cls.model_validate(filters.model_dump())


class SubscriptionRead(BaseModel):
    """A subscription: `status` is `active`, `failing`, `paused` (or `deleted`)."""

    id: str
    owner: str
    center: str
    callback_url: str
    filters: FiltersRead
    scopes: list[str]
    status: str
    version: int
    created_at: datetime
    failing_since: datetime | None
    failures: int = Field(description="failed attempts since the last success")
    last_success_at: datetime | None

    @classmethod
    def fields_of(cls, row: SubscriptionRow) -> dict[str, Any]:
        """The answer's fields of a projection row (never the secret, nor the lease)."""
        names = cls.model_fields.keys() - {"filters"}
        return {n: getattr(row, n) for n in names} | {"filters": FiltersRead.of(row.filters)}

    @classmethod
    def of(cls, row: SubscriptionRow) -> SubscriptionRead:
        """The subscription as the API shows it."""
        return cls(**cls.fields_of(row))


class SubscriptionCreated(SubscriptionRead):
    """The new subscription and its signing secret, shown this once."""

    secret: str


class DeliveryRead(BaseModel):
    """One delivery of one event: its status, attempts, last error and latency."""

    id: int
    event_id: str
    event_type: str
    case_id: str
    cause: str = Field(description="`event` (as it happened) or `replay`")
    status: str = Field(description="`pending`, `delivered` or `dead` (the dead-letter list)")
    attempts: int
    last_error: str | None
    last_status: int | None
    latency_ms: float | None
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: DeliveryRow) -> DeliveryRead:
        """The delivery as the API shows it."""
        return cls.model_validate(row, from_attributes=True)


class DeliveryLog(BaseModel):
    """Deliveries newest first, and how many there are in each status."""

    counts: dict[str, int]
    deliveries: list[DeliveryRead]


class ReplayQueued(BaseModel):
    """How many deliveries the replay queued."""

    subscription_id: str
    deliveries: int


class CaseEventDelivery(BaseModel):
    """The body of a delivery: a CloudEvent 1.0 in HTTP structured mode
    (`application/cloudevents+json`), the same event the Kafka topic carries."""

    specversion: str = "1.0"
    id: str = Field(description="the event id: stable across retries and replays; dedupe on it")
    type: str = Field(examples=["onewindow.case.accepted.v1"])
    source: str = Field(examples=["/centers/350500/intake"])
    subject: str = Field(description="the case id; deliveries of one case arrive in order")
    time: datetime
    datacontenttype: str = "application/json"
    center: str
    sequence: str = Field(description="the case's version: 1, 2, 3 … (a gap means a dead letter)")
    traceparent: str
    data: dict[str, Any] = Field(
        description="the event payload; ID numbers, phones and names masked without the "
        "`personal_data` scope"
    )

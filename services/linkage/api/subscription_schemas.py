"""Bodies of the subscription API and of the webhook deliveries it sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class FiltersRead(BaseModel):
    """What the subscription receives (the caller's center is filled in when none was given)."""

    types: list[str]
    centers: list[str]
    departments: list[str]
    items: list[str]


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

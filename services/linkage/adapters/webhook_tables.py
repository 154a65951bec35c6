"""Webhook subscriptions: their projection, their secrets, the case events kept for replay,
and the durable delivery table the per-subscription workers drain."""

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from libs.events.db import Id, Instant

metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("center", String(64), nullable=False),
    Column("callback_url", String(2000), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("failing_since", Instant),
    # Operational, not state: the worker's streak of failures and its lease on the subscription.
    Column("first_failure_at", Instant),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_success_at", Instant),
    Column("lease_owner", String(64)),
    Column("lease_until", Instant),
)

# Kept out of the event store on purpose: events are published, secrets never are.
subscription_secrets = Table(
    "subscription_secrets",
    metadata,
    Column("secret_id", String(64), primary_key=True),
    Column("subscription_id", String(64), nullable=False, index=True),
    Column("secret", String(200), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("valid_until", Instant),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("position", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("case_id", String(200), nullable=False, index=True),
    Column("type", String(200), nullable=False),
    Column("center", String(64), nullable=False),
    Column("department", String(64), nullable=False),
    Column("item", String(64), nullable=False),
    Column("time", Instant, nullable=False),
    Column("envelope", JSON, nullable=False),
    Index("ix_webhook_events_time", "time"),
)

deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subscription_id", String(64), nullable=False),
    Column("position", Id, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("cause", String(16), nullable=False),  # event | replay
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Instant, nullable=False),
    Column("last_error", Text),
    Column("last_status", Integer),
    Column("latency_ms", Float),
    Column("created_at", Instant, nullable=False),
    Column("delivered_at", Instant),
    Index("ix_webhook_deliveries_queue", "subscription_id", "status", "id"),
    Index("ix_webhook_deliveries_position", "position"),  # retention keeps referred events
)

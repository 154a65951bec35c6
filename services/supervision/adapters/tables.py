"""The supervision projection's tables, its inbox of case events and its notification queue.

The projection tables (PROJECTION) are rebuilt from the inbox and the service's own events;
the inbox and the notification queue are not projections and survive a rebuild.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from libs.events.db import Instant

metadata = MetaData()
Id = BigInteger().with_variant(Integer(), "sqlite")

inbox = Table(
    "supervision_inbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("type", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("center", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("time", Instant, nullable=False),
    Column("data", JSON, nullable=False),
    Column("known_at", Instant, nullable=False),
)

supervised_cases = Table(
    "supervised_cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False, index=True),
    Column("case_no", String(64)),
    Column("item_code", String(64)),
    Column("item_name", String(200)),
    Column("department", String(64), index=True),
    Column("kind", String(16)),
    Column("channel", String(16)),
    Column("applicant_name", String(200)),
    Column("applicant_id", String(64)),
    Column("submitted_by", String(100)),
    Column("status", String(32), nullable=False),
    Column("received_at", Instant),
    Column("received_known", Instant),
    Column("accepted_at", Instant),
    Column("accepted_known", Instant),
    Column("deadline", Instant),
    Column("due_day", Date),
    Column("provisional", Boolean),
    Column("limit_days", Integer),
    Column("completed_at", Instant),
    Column("completed_known", Instant),
    Column("decision", String(32)),
    Column("outcome", String(16)),
    Column("used_days", Float),
    Column("handled_by", String(64)),
    Column("stage", String(100)),
    Column("last_event", String(200), nullable=False),
    Column("last_sequence", Integer, nullable=False, default=0),
    Column("updated_at", Instant, nullable=False),
    Index("ix_supervised_cases_received", "center", "received_at", "case_id"),  # the case list
)

lights = Table(
    "lights",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("part", String(200), primary_key=True),  # "" for the whole case
    Column("center", String(64), nullable=False),
    Column("department", String(64), nullable=False),
    Column("stage", String(100), nullable=False),
    Column("deadline", Instant, nullable=False),
    Column("due_day", Date, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("limit_days", Integer, nullable=False),
    Column("started_at", Instant, nullable=False),
    Column("suspended_since", Instant),
    Column("completed_at", Instant),
    Column("closed_at", Instant),
    Column("outcome", String(16)),
    Column("used_days", Float),
    # The clock's facts the deadline is derived from (libs/events/caseclock).
    Column("kind", String(16), nullable=False, default="promised"),
    Column("pauses", JSON, nullable=False, default=list),
    Column("extension_days", Integer, nullable=False, default=0),
    Column("color", String(8)),
    Column("color_since", Instant),
    Column("rungs", String(64), nullable=False, default=""),
    Column("next_change_at", Instant),
    Index("ix_lights_next_change_at", "next_change_at"),
    Index("ix_lights_scope", "center", "department", "color"),
)

ledger = Table(
    "case_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column("type", String(200), nullable=False),
    Column("at", Instant, nullable=False),
    Column("known_at", Instant, nullable=False),
    Column("data", JSON, nullable=False),
)

opinions = Table(
    "opinions",
    metadata,
    Column("opinion_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False, index=True),
    Column("department", String(64), nullable=False),
    Column("case_id", String(64)),
    Column("text", Text, nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("issued_at", Instant, nullable=False),
    Column("answer_by", Instant, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer", Text),
    Column("answered_by", String(100)),
    Column("answered_at", Instant),
)

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False, index=True),
    Column("department", String(64), nullable=False),
    Column("case_id", String(64)),
    Column("text", Text, nullable=False),
    Column("filed_by", String(100), nullable=False),
    Column("filed_at", Instant, nullable=False),
    Column("answer_by", Instant),
    Column("status", String(16), nullable=False),
    Column("answer", Text),
    Column("resolved_by", String(100)),
    Column("resolved_at", Instant),
)

notices = Table(
    "rectification_notices",
    metadata,
    Column("notice_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False, index=True),
    Column("department", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("issued_at", Instant, nullable=False),
    Column("rectify_by", Instant, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer", Text),
    Column("answered_by", String(100)),
    Column("answered_at", Instant),
)

ratings = Table(
    "ratings",
    metadata,
    Column("rating_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False, unique=True),
    Column("center", String(64), nullable=False, index=True),
    Column("department", String(64), nullable=False),
    Column("score", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    Column("rated_by", String(100), nullable=False),
    Column("rated_at", Instant, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer_by", Instant),
    Column("follow_up", Text),
    Column("remedy", Text),
    Column("answer", Text),
    Column("answered_by", String(100)),
    Column("answered_at", Instant),
    Column("appeal", Text),
    Column("appealed_at", Instant),
    Column("appeal_upheld", Boolean),
    Column("appeal_note", Text),
    Column("appeal_decided_at", Instant),
)

anomalies = Table(
    "anomalies",
    metadata,
    Column("anomaly_id", String(200), primary_key=True),
    Column("rule", String(100), nullable=False),
    Column("center", String(64), nullable=False, index=True),
    Column("department", String(64), nullable=False),
    Column("case_id", String(64)),
    Column("evidence", JSON, nullable=False),
    Column("detected_at", Instant, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("rung", String(16), nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("due_at", Instant, nullable=False),
    Column("sent_at", Instant),
    Index("ix_notifications_due", "sent_at", "due_at"),
)

# Rebuilt from events by `onewindow supervision rebuild`, in this order (children first on delete).
PROJECTION = (supervised_cases, lights, ledger, opinions, complaints, notices, ratings, anomalies)

"""Intake's read models and bookkeeping tables, written in the same transaction as the events."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from libs.events.db import Instant

metadata = MetaData()

# Every published version of every item; the current one is the highest version of a code.
catalog_items = Table(
    "catalog_items",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("online", Boolean, nullable=False),
    Column("data", JSON, nullable=False),
    Column("published_at", Instant, nullable=False),
)

# One row per case: lookups by case number, center, applicant and query code.
cases = Table(
    "cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("case_no", String(64), nullable=False, unique=True),
    Column("query_code", String(16)),  # for reprinting the receipt; a rebuild cannot restore it
    Column("query_hash", String(64)),  # HMAC of the code with the node's pepper (in the store too)
    Column("center", String(64), nullable=False, index=True),
    Column("item_code", String(64), nullable=False),
    Column("item_version", Integer, nullable=False),
    Column("item_name", String(200), nullable=False),
    Column("department", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("applicant_name", String(200), nullable=False),
    Column("applicant_id_no", String(32), nullable=False),
    Column("submitted_by", String(200), nullable=False, index=True),
    Column("status", String(32), nullable=False),
    Column("submitted_at", Instant, nullable=False),
    Column("accepted_at", Instant),
    Column("limit_days", Integer),
    Column("deadline", Instant),
    Column("due_day", Date),
    Column("provisional", Boolean, nullable=False, default=False),
    # The case clock's facts (acceptance, pause intervals, the extension): the deadline columns
    # are derived from them under this node's calendar (libs/events/caseclock).
    Column("clock", JSON),
    Column("promise_due", Date),  # set while tolerated (容缺) materials are outstanding
    Column("outcome", String(32)),  # approved / denied / deemed_approved, from approval's events
    Column("decided_at", Instant),
    # Approval's state of an accepted case (suspended, escalated), in the shared vocabulary.
    Column("progress", String(32)),
    Column("delivered_at", Instant),  # case.delivered: the result reached them
    Column("updated_at", Instant, nullable=False),
    Index("ix_cases_open", "status", "provisional"),
    # The case list: newest first by keyset, per center or per applicant; search by ID number.
    Index("ix_cases_center_submitted", "center", "submitted_at", "case_id"),
    Index("ix_cases_submitter_submitted", "submitted_by", "submitted_at", "case_id"),
    Index("ix_cases_applicant_id_no", "applicant_id_no"),
)

# Per center and Shanghai day: the last sequence number handed out.
case_sequences = Table(
    "case_sequences",
    metadata,
    Column("center", String(64), primary_key=True),
    Column("day", String(8), primary_key=True),
    Column("last", Integer, nullable=False),
)

# What other services said about our cases (reviewed, suspended, decided …), for the history.
case_timeline = Table(
    "case_timeline",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column("type", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("at", Instant, nullable=False),
    Column("data", JSON, nullable=False),
)

# Sealed decision documents approval published (case.decision_issued), for the public lookup.
published_decisions = Table(
    "published_decisions",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("document_id", String(100), nullable=False),
    Column("document", JSON, nullable=False),
    Column("pdf", Text, nullable=False),  # base64, as published and sealed
    Column("seal", JSON, nullable=False),
    Column("public_key_pem", Text, nullable=False),
    Column("issued_at", Instant, nullable=False),
)

TABLES = (
    catalog_items,
    cases,
    case_sequences,
    case_timeline,
    published_decisions,
)

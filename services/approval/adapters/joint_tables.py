"""Approval's tables for joint approval: joint items, filed joint cases, the parts' worklist."""

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

from libs.events.db import Instant

# Its own metadata: the first migration creates `tables.metadata` whole, this one only these.
metadata = MetaData()

# The newest version of each joint catalogue item: lead, each department's limit, materials.
joint_items = Table(
    "joint_items",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("lead_department", String(64), nullable=False),
    Column("limits", JSON, nullable=False),  # department -> working days
    Column("promised_limit_days", Integer, nullable=False),
    Column("materials", JSON, nullable=False),  # code -> key?
)

# Joint cases filed at intake (case.submitted): a project stage names its case before acceptance.
joint_submissions = Table(
    "joint_submissions",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("case_no", String(64), nullable=False),
)

# One row per part of a joint case: each department's worklist, rewritten with the case's events.
joint_parts = Table(
    "joint_parts",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("department", String(64), primary_key=True),
    Column("held_at", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("step", String(16), nullable=False),
    Column("assignee", String(100)),
    Column("deadline", Instant, nullable=False),
    Column("due_day", Date, nullable=False),
    Column("updated_at", Instant, nullable=False),
    Index("ix_joint_parts_department", "held_at", "department", "status", "deadline"),
)

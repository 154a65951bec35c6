"""Supervision's view of investment projects: each project and each stage's course."""

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table

from libs.events.db import Instant

# Its own metadata: the first migration creates `tables.metadata` whole, this one only these.
metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("project_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("series", String(64), nullable=False),
    Column("series_name", String(200), nullable=False),
    Column("applicant_name", String(200), nullable=False),
    Column("agent", String(100), nullable=False, default=""),
    Column("green", Boolean, nullable=False, default=False),
    Column("green_factor", Float),
    Column("green_reason", String(500)),
    Column("green_since", Instant),
    Column("status", String(16), nullable=False),  # running | approved | denied
    Column("elapsed_days", Integer, nullable=False, default=0),
    Column("stage_count", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("completed_at", Instant),
)

project_stages = Table(
    "project_stages",
    metadata,
    Column("project_id", String(64), primary_key=True),
    Column("stage", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("case_id", String(64)),
    Column("started_at", Instant),
    Column("deadline", Instant),
    Column("completed_at", Instant),
    Column("outcome", String(16)),
    Column("elapsed_days", Integer),
    Column("on_time", Boolean),
)

PROJECT_TABLES = (projects, project_stages)

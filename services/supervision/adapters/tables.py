"""The supervision projection's tables."""

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table

metadata = MetaData()

supervised_cases = Table(
    "supervised_cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False, index=True),
    Column("case_no", String(64)),
    Column("item_code", String(64)),
    Column("department", String(64), index=True),
    Column("kind", String(16)),
    Column("status", String(32), nullable=False),
    Column("received_at", DateTime(timezone=True)),
    Column("accepted_at", DateTime(timezone=True)),
    Column("deadline", DateTime(timezone=True)),
    Column("due_day", Date),
    Column("limit_days", Integer),
    Column("last_event", String(200), nullable=False),
    Column("last_sequence", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

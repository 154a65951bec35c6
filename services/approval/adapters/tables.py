"""The approval service's own tables, beside the shared event store."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from libs.events.db import Id, Instant

metadata = MetaData()

# The worklist: one row per work item, rewritten in the transaction that appends its events.
work_items = Table(
    "work_items",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("center", String(64), nullable=False),
    Column("held_at", String(64), nullable=False),
    Column("department", String(64), nullable=False),
    Column("case_no", String(64), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("item_name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("step", String(16), nullable=False),
    Column("assignee", String(100)),
    Column("countersigners", JSON, nullable=False),
    Column("accepted_at", Instant, nullable=False),
    Column("deadline", Instant, nullable=False),
    Column("due_day", Date, nullable=False),
    Column("deemed_approval", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", Instant, nullable=False),
    # A case escalated here from below (a linked case): the center that sent it, and when.
    Column("escalated_from", String(64)),
    Column("received_at", Instant),
    Index("ix_work_items_department_deadline", "held_at", "department", "status", "deadline"),
    Index("ix_work_items_due", "status", "deemed_approval", "deadline"),
)

# Applicants' names and phones from case.submitted: kept here, never put on approval events.
contacts = Table(
    "case_contacts",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("submitted_by", String(200), nullable=False, default=""),  # the applicant's token sub
    Column("id_hash", String(64), index=True),  # id_digest of the identity number, to search by
    Column("recorded_at", Instant, nullable=False),
)

# The materials a case was received with (case.submitted, case.supplemented), for 上报.
case_materials = Table(
    "case_materials",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("codes", JSON, nullable=False),
)

# The latest version of each catalogue item: who decides reported items, and the item's name.
catalog_items = Table(
    "catalog_items",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("decided_by_center", String(64)),
    Column("deemed_approval", Boolean, nullable=False, default=False),
)

decision_documents = Table(
    "decision_documents",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("document_id", String(100), nullable=False, unique=True),
    Column("department", String(64), nullable=False),
    Column("document", Text, nullable=False),  # the canonical JSON, exactly as signed
    Column("pdf", LargeBinary, nullable=False),
    Column("seal", JSON, nullable=False),
    Column("issued_at", Instant, nullable=False),
)

# The notification outbox: a row per message until the gateway took it; retried with backoff.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False, unique=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False, default="decision"),  # decision | suspension
    Column("channel", String(16), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Instant, nullable=False),
    Column("lease_until", Instant),
    Column("last_error", Text),
    Column("created_at", Instant, nullable=False),
    Column("sent_at", Instant),
    Index("ix_deliveries_due", "sent_at", "next_attempt_at"),
)

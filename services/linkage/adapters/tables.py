"""Linkage's tables: the links it has seen, what crossed them, and the outbox to the parent."""

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from libs.events.db import Instant, outbox_table

metadata = MetaData()

# One row per link: the parent (upstream) and every child seen (downstream).
links = Table(
    "links",
    metadata,
    Column("center", String(64), primary_key=True),
    Column("direction", String(16), nullable=False),
    Column("delivered", BigInteger, nullable=False),  # events received from that center
    Column("last_event", String(200)),
    Column("last_delivery_at", Instant),  # received from it
    Column("last_sent_at", Instant),  # delivered to it (acknowledged)
    Column("last_contact_at", Instant),  # round trip (parent) or heartbeat
    Column("last_error", Text),
    Column("last_error_at", Instant),
    Column("alerted_at", Instant),  # the alert of the current down spell
)

# Every event this node sent across a link, kept after the outbox row is gone: the record
# of the crossing, its sequence in this node's crossing stream, and when it was acknowledged.
crossings = Table(
    "crossings",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("direction", String(8), nullable=False),  # up | down
    Column("peer", String(64), nullable=False),  # the link: the parent or the child on the way
    Column("destination", String(64), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("type", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("acknowledged_at", Instant),
    Index("ix_crossings_open", "direction", "peer", "acknowledged_at"),
    UniqueConstraint("source", "case_id", "sequence", "direction", name="uq_crossings_stream"),
)

# The outbox of the upstream link: rows published to the parent's broker by their own relay.
link_outbox = outbox_table("link_outbox", metadata)

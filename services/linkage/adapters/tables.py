"""What linkage knows of the centers it exchanges events with."""

from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table

metadata = MetaData()

links = Table(
    "links",
    metadata,
    Column("center", String(64), primary_key=True),
    Column("direction", String(16), nullable=False),
    Column("delivered", BigInteger, nullable=False),
    Column("last_event", String(200), nullable=False),
    Column("last_delivery_at", DateTime(timezone=True), nullable=False),
)

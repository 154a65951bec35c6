"""Engines, the shared tables (event store, outbox, consumer positions, parking) and migrations."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator


class Instant(TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: a timezone is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read back aware UTC."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 7_300_001  # pg advisory lock key: two processes never migrate one database at once

metadata = MetaData()
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements only INTEGER keys

events = Table(
    "events",
    metadata,
    Column("position", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("stream_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("data", JSON, nullable=False),
    Column("center", String(64), nullable=False),
    Column("traceparent", String(64), nullable=False),
    Column("recorded_at", Instant(), nullable=False),
    # The hash chain of each stream (libs/events/audit.py): tampering shows in `audit verify`.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
)


def outbox_table(name: str, meta: MetaData = metadata) -> Table:
    """An outbox-shaped table: rows the relay publishes in order per key, then marks sent.

    The core's `outbox`, and linkage's `link_outbox` relayed to the parent's broker."""
    return Table(
        name,
        meta,
        Column("id", Id, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("headers", JSON, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("created_at", Instant(), nullable=False),
        Column("sent_at", Instant()),
        Index(
            f"ix_{name}_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
        Index(f"ix_{name}_sent_at", "sent_at"),  # the retention job deletes by age
    )


outbox = outbox_table("outbox")

# Dedupe by event id, only for events that carry no stream sequence (rare: most events do).
processed = Table(
    "processed",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", Instant(), nullable=False),
)

# Per consumer and stream (`source subject`), the last applied sequence, written in the
# projection's transaction; `parked_at` is set while the stream waits for an operator.
stream_positions = Table(
    "stream_positions",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("stream", String(400), primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("parked_at", Instant()),
)

# Records a consumer could not apply (and those of a parked stream waiting behind them),
# kept whole so that `onewindow dlq replay` re-applies them through the consumer path.
parked = Table(
    "parked",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("consumer", String(100), nullable=False),
    Column("stream", String(400)),
    Column("sequence", Integer),
    Column("reason", String(20), nullable=False),
    Column("error", Text, nullable=False),
    Column("topic", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("key", LargeBinary),
    Column("headers", JSON, nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("parked_at", Instant(), nullable=False),
    Column("resolved_at", Instant()),
    Index("ix_parked_open", "consumer", "stream", "sequence"),
)

# Outbox rows the broker refused outright (too large, invalid topic): kept with the error.
outbox_rejected = Table(
    "outbox_rejected",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("outbox", String(64), nullable=False),  # the outbox-shaped table it came from
    Column("outbox_id", BigInteger, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("created_at", Instant(), nullable=False),
    Column("error", Text, nullable=False),
    Column("rejected_at", Instant(), nullable=False),
)


def async_url(url: str) -> str:
    """Map plain `postgresql://` and `sqlite://` URLs to their async drivers."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL and a busy timeout so readers and the relay coexist."""
    url = async_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it cost a BEGIN/ROLLBACK round trip at every checkout. A dropped connection
    # fails its statement (503 or a consumer retry) and SQLAlchemy then renews the whole pool;
    # recycling keeps connections younger than any idle timeout on the way.
    options = {"pool_pre_ping": False, "pool_recycle": 300, **kwargs}
    return create_async_engine(url, **options)


# SQLSTATE classes of a server that is away: 08 connection exception, 57 operator intervention
# (shutting down, starting up, terminated by an administrator).
UNAVAILABLE_SQLSTATES = ("08", "57")


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database is away (answer 503, retry later), not that the request
    or the code is wrong. asyncpg's lost connections and server shutdowns reach SQLAlchemy as
    a plain DBAPIError, which would otherwise be a 500 and park a good event."""
    if isinstance(exc, OperationalError | InterfaceError | OSError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    for cause in (exc.orig, getattr(exc.orig, "__cause__", None)):
        # InternalClientError: asyncpg's rollback on a connection the server just dropped.
        if type(cause).__name__ in (
            "ConnectionDoesNotExistError",
            "InterfaceError",
            "InternalClientError",
        ):
            return True
        if str(getattr(cause, "sqlstate", "") or "")[:2] in UNAVAILABLE_SQLSTATES:
            return True
    return False


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_postgres(conn: AsyncConnection | AsyncEngine | Connection) -> bool:
    """Whether the connection speaks PostgreSQL (advisory locks, partial indexes)."""
    return conn.dialect.name == "postgresql"


def alembic_config(version_dirs: Sequence[Path]) -> Config:
    """Alembic configuration: the shared env, the event-store revisions and the service's own."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    locations = [MIGRATIONS / "versions", *version_dirs]
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    return cfg


async def migrate(engine: AsyncEngine, version_dirs: Sequence[Path] = ()) -> None:
    """Bring the database to the newest revision; safe when several processes start together."""
    cfg = alembic_config(version_dirs)

    def upgrade(conn: Connection) -> None:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")

    async with engine.begin() as conn:
        if is_postgres(conn):
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        await conn.run_sync(upgrade)

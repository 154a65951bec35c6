"""The append on PostgreSQL: the events and their outbox rows in one prepared statement.

SQLAlchemy's per-statement machinery costs about as much client CPU as the database's work for
an append, and the portable path needs a version look-up and two inserts. Here one statement,
sent on the asyncpg connection under the caller's transaction (asyncpg prepares and caches it),
checks the stream's version, inserts the events and their outbox rows, and returns positions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.audit import GENESIS, canonical

# `$2` is the expected version: no rows are inserted when the stream is elsewhere, and a
# writer that got there first is refused by the (stream_id, version) key.
APPEND = """
WITH RECURSIVE new AS (
    SELECT * FROM unnest($5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::text[], $12::bytea[], $13::text[])
        AS n(event_id, version, type, data, traceparent, topic, headers, value, content)
), head AS (
    SELECT coalesce((SELECT hash FROM events WHERE stream_id = $1::text AND version = $2::int),
                    $14::text) AS hash
), links(version, prev_hash, hash) AS (  -- the hash chain of libs/events/audit.py
    SELECT n.version, h.hash, encode(sha256(convert_to(h.hash || ':' || n.content, 'UTF8')), 'hex')
    FROM new n, head h WHERE n.version = $2::int + 1
    UNION ALL
    SELECT n.version, l.hash, encode(sha256(convert_to(l.hash || ':' || n.content, 'UTF8')), 'hex')
    FROM links l JOIN new n ON n.version = l.version + 1
), e AS (
    INSERT INTO events (event_id, stream_id, version, type, data, center, traceparent, recorded_at,
                        prev_hash, hash)
    SELECT n.event_id, $1::text, n.version, n.type, n.data::json, $3::text, n.traceparent,
           $4::timestamptz, l.prev_hash, l.hash
    FROM new n JOIN links l ON l.version = n.version
    WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1::text) = $2::int
    ORDER BY n.version
    RETURNING position, event_id, prev_hash, hash
), o AS (
    INSERT INTO outbox (event_id, topic, key, headers, value, created_at)
    SELECT n.event_id, n.topic, $1::text, n.headers::json, n.value, $4::timestamptz
    FROM new n JOIN e ON e.event_id = n.event_id
    ORDER BY n.version
)
SELECT position, prev_hash, hash FROM e ORDER BY position
"""
STREAM_VERSION_KEY = "uq_events_stream_version"


async def append_postgres(
    conn: AsyncConnection,
    expected_version: int,
    rows: Sequence[dict[str, Any]],
    outbox_rows: Sequence[dict[str, Any]],
) -> list[tuple[int, str, str]] | None:
    """(position, prev_hash, hash) of each appended event, or None when the stream is not at
    `expected_version`."""
    driver = await _in_transaction(conn)
    first = rows[0]
    try:
        found = await driver.fetch(
            APPEND,
            first["stream_id"],
            expected_version,
            first["center"],
            first["recorded_at"],
            [r["event_id"] for r in rows],
            [r["version"] for r in rows],
            [r["type"] for r in rows],
            [json.dumps(r["data"]) for r in rows],
            [r["traceparent"] for r in rows],
            [o["topic"] for o in outbox_rows],
            [json.dumps(o["headers"]) for o in outbox_rows],
            [o["value"] for o in outbox_rows],
            [canonical(r) for r in rows],
            GENESIS,
        )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == STREAM_VERSION_KEY:
            return None
        raise
    except (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError) as exc:
        # As SQLAlchemy would say it: callers retry or answer 503 on OperationalError.
        raise OperationalError(APPEND, None, exc) from exc
    return [(r[0], r[1], r[2]) for r in found] or None


async def _in_transaction(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection, with the transaction SQLAlchemy opens lazily begun."""
    fairy = await conn.get_raw_connection()
    adapted: Any = fairy.dbapi_connection
    if adapted._transaction is None and conn.in_transaction():
        await adapted._start_transaction()  # what the adapter does before its first statement
    driver: asyncpg.Connection = fairy.driver_connection
    return driver

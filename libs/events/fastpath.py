"""The append on PostgreSQL: the events of one or many streams and their outbox rows in one
prepared statement.

SQLAlchemy's per-statement machinery costs about as much client CPU as the database's work for
an append, and the portable path needs a version look-up and two inserts. Here one statement,
sent on the asyncpg connection under the caller's transaction (asyncpg prepares and caches it),
checks each stream's head, inserts the events and their outbox rows, and returns positions.
The hash chain (libs/events/audit.py) is computed by the caller: SQL's sha256 cost PostgreSQL
half as much CPU again per append. The statement inserts nothing unless every stream's event at
the expected version carries the hash the caller chained from; the (stream_id, version) key
refuses a writer that got there first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import asyncpg
from sqlalchemy import JSON, Table, and_, bindparam, insert, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

APPEND = """
WITH new AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::timestamptz[], $9::text[], $10::text[])
        WITH ORDINALITY AS n(event_id, stream_id, version, type, data, center, traceparent,
                             recorded_at, prev_hash, hash, ord)
), heads AS (
    SELECT * FROM unnest($11::text[], $12::int[], $13::text[]) AS h(stream_id, version, hash)
), e AS (
    INSERT INTO events (event_id, stream_id, version, type, data, center, traceparent, recorded_at,
                        prev_hash, hash)
    SELECT n.event_id, n.stream_id, n.version, n.type, n.data::json, n.center, n.traceparent,
           n.recorded_at, n.prev_hash, n.hash
    FROM new n
    WHERE NOT EXISTS (
        SELECT 1 FROM heads h
        WHERE h.version > 0 AND h.hash IS DISTINCT FROM (
            SELECT hash FROM events WHERE stream_id = h.stream_id AND version = h.version))
    ORDER BY n.ord
    RETURNING position, event_id
), o AS (
    INSERT INTO outbox (event_id, topic, key, headers, value, created_at)
    SELECT x.event_id, x.topic, x.key, x.headers::json, x.value, x.created_at
    FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::bytea[],
                $19::timestamptz[]) AS x(event_id, topic, key, headers, value, created_at)
    JOIN e ON e.event_id = x.event_id
    ORDER BY e.position
)
SELECT event_id, position FROM e
"""
# The common append, one event of one stream: scalar parameters cost the client a fraction of
# what 19 one-element arrays cost asyncpg to encode. $11/$12 are the head it was chained from;
# a NULL topic writes no outbox row (`publish=False`).
APPEND_ONE = """
WITH e AS (
    INSERT INTO events (event_id, stream_id, version, type, data, center, traceparent, recorded_at,
                        prev_hash, hash)
    SELECT $1::text, $2::text, $3::int, $4::text, $5::json, $6::text, $7::text, $8::timestamptz,
           $9::text, $10::text
    WHERE $11::int = 0 OR $12::text IS NOT DISTINCT FROM (
        SELECT hash FROM events WHERE stream_id = $2::text AND version = $11::int)
    RETURNING position, event_id
), o AS (
    INSERT INTO outbox (event_id, topic, key, headers, value, created_at)
    SELECT e.event_id, $13::text, $14::text, $15::json, $16::bytea, $17::timestamptz
    FROM e WHERE $13::text IS NOT NULL
)
SELECT event_id, position FROM e
"""
HEAD = "SELECT hash FROM events WHERE stream_id = $1 AND version = $2"
HEADS = """
SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM events
WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version DESC
"""
STREAM_VERSION_KEY = "uq_events_stream_version"


class StreamTaken(Exception):
    """Another writer appended at one of the versions first (the transaction is aborted)."""


@dataclass
class Batch:
    """The chained event rows of the streams appended together, and their outbox rows."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    data: list[str] = field(default_factory=list)  # each row's data as JSON, in row order
    outbox: list[dict[str, Any]] = field(default_factory=list)
    heads: list[tuple[str, int, str]] = field(default_factory=list)  # stream, version, hash


async def append_postgres(conn: AsyncConnection, batch: Batch) -> dict[str, int] | None:
    """The position of each appended event by id, or None (nothing written, the transaction
    usable) when a stream's head is not the one the rows were chained from; StreamTaken when
    another writer got there first."""
    driver = await in_transaction(conn)
    try:
        if _is_one(batch):
            found = await driver.fetch(APPEND_ONE, *_one(batch))
        else:
            found = await driver.fetch(APPEND, *_arrays(batch))
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == STREAM_VERSION_KEY:
            raise StreamTaken(exc.constraint_name) from exc
        raise
    except (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError) as exc:
        # As SQLAlchemy would say it: callers retry or answer 503 on OperationalError.
        raise OperationalError(APPEND, None, exc) from exc
    if len(found) != len(batch.rows):
        return None
    return {r[0]: r[1] for r in found}


def _is_one(batch: Batch) -> bool:
    rows, heads = batch.rows, batch.heads
    return (
        len(rows) == 1
        and len(heads) == 1
        and len(batch.outbox) <= 1
        and heads[0][0] == rows[0]["stream_id"]
    )


def _one(batch: Batch) -> list[Any]:
    """APPEND_ONE's parameters."""
    row, (_, version, hash_) = batch.rows[0], batch.heads[0]
    data = batch.data[0] if batch.data else json.dumps(row["data"])
    args = [*_EVENT_HEAD(row), data, *_EVENT_TAIL(row), version, hash_]
    if not batch.outbox:
        return [*args, None, None, None, None, None]
    out = batch.outbox[0]
    return [*args, out["topic"], out["key"], json.dumps(out["headers"]), *_OUTBOX_TAIL(out)]


_EVENT_HEAD = itemgetter("event_id", "stream_id", "version", "type")
_EVENT_TAIL = itemgetter("center", "traceparent", "recorded_at", "prev_hash", "hash")
_OUTBOX_TAIL = itemgetter("value", "created_at")


def _arrays(batch: Batch) -> list[Any]:
    """APPEND's parameters: one array a column."""
    rows, out = batch.rows, batch.outbox
    return [
        *_columns(rows, ("event_id", "stream_id", "version", "type")),
        batch.data or [json.dumps(r["data"]) for r in rows],
        *_columns(rows, ("center", "traceparent", "recorded_at", "prev_hash", "hash")),
        *([list(c) for c in zip(*batch.heads, strict=True)] if batch.heads else [[], [], []]),
        *_columns(out, ("event_id", "topic", "key")),
        [json.dumps(o["headers"]) for o in out],
        *_columns(out, ("value", "created_at")),
    ]


def _columns(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> list[list[Any]]:
    return [[r[name] for r in rows] for name in names]


async def head_hash(conn: AsyncConnection, stream_id: str, version: int) -> str | None:
    """The hash of the stream's event at `version`, if it has one."""
    driver = await in_transaction(conn)
    found: str | None = await driver.fetchval(HEAD, stream_id, version)
    return found


async def heads(conn: AsyncConnection, stream_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """(version, hash) of the newest event of each stream that has events."""
    driver = await in_transaction(conn)
    found = await driver.fetch(HEADS, list(stream_ids))
    return {r[0]: (r[1], r[2]) for r in found}


async def insert_rows(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns: COPY on PostgreSQL (no per-row statement,
    no per-value type processing in SQLAlchemy), an executemany elsewhere. Every column the
    table needs is in the rows: Python-side defaults are not applied."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    as_json = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    take = itemgetter(*names)
    records: list[tuple[Any, ...]] = (
        [take(r) for r in rows] if len(names) > 1 else [(take(r),) for r in rows]
    )
    if as_json:
        records = [_dumped(record, as_json) for record in records]
    driver = await in_transaction(conn)
    await driver.copy_records_to_table(table.name, records=records, columns=names)


async def update_rows(
    conn: AsyncConnection, table: Table, keys: Sequence[str], rows: Sequence[dict[str, Any]]
) -> None:
    """Rewrite rows found by their `keys` columns (every row names the same columns): on
    PostgreSQL in one statement, the rows sent as one array a column and unnested; elsewhere
    an executemany."""
    if not rows:
        return
    names = list(rows[0])
    if conn.dialect.name != "postgresql":
        where = and_(*(table.c[k] == bindparam(f"b_{k}") for k in keys))
        values: dict[str, Any] = {n: bindparam(f"b_{n}") for n in names if n not in keys}
        await conn.execute(
            update(table).where(where).values(values),
            [{f"b_{n}": v for n, v in r.items()} for r in rows],
        )
        return
    as_json = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    columns = [[r[n] for r in rows] for n in names]
    for i in as_json:
        columns[i] = [json.dumps(v) for v in columns[i]]
    driver = await in_transaction(conn)
    await driver.execute(_update_statement(conn, table, names, keys), *columns)


def _update_statement(
    conn: AsyncConnection, table: Table, names: Sequence[str], keys: Sequence[str]
) -> str:
    quote = conn.dialect.identifier_preparer.quote
    types = [table.c[n].type.compile(dialect=conn.dialect) for n in names]
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, start=1))
    sets = ", ".join(f"{quote(n)} = u.{quote(n)}" for n in names if n not in keys)
    match = " AND ".join(f"t.{quote(k)} = u.{quote(k)}" for k in keys)
    unnested = f"unnest({arrays}) AS u({', '.join(quote(n) for n in names)})"
    return f"UPDATE {quote(table.name)} AS t SET {sets} FROM {unnested} WHERE {match}"


def _dumped(record: tuple[Any, ...], at: list[int]) -> tuple[Any, ...]:
    values = list(record)
    for i in at:
        values[i] = json.dumps(values[i])
    return tuple(values)


async def in_transaction(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection, with the transaction SQLAlchemy opens lazily begun."""
    sync = conn.sync_connection
    if sync is None or sync.invalidated or sync.closed:
        fairy = await conn.get_raw_connection()  # renews or refuses it, as SQLAlchemy would
    else:
        fairy = sync.connection  # a live one needs no trip through a greenlet
    adapted: Any = fairy.dbapi_connection
    if adapted._transaction is None and conn.in_transaction():
        await adapted._start_transaction()  # what the adapter does before its first statement
    driver: asyncpg.Connection = fairy.driver_connection
    return driver

"""Idempotency-Key on every mutating request: one answer per caller and key (the store of
claims and answers; the ASGI middleware is libs/events/retries.py).

The key's claim is written in the transaction of the request's first change (the event store
append, through `Runtime.transaction`), so a crash never keeps the events without the claim
or the claim without the events. The answer is stored once the request finishes; a retry with
the same body gets it again (`Idempotency-Replayed: true`), one with another body 422.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events.auth import Principal
from libs.events.db import is_postgres, metadata

HEADER = "Idempotency-Key"
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as header values travel
STALE_HEADERS = frozenset({b"content-length", b"date", b"server"})

idempotent_requests = Table(
    "idempotent_requests",
    metadata,
    Column("scope", String(400), primary_key=True),  # the caller: one caller's keys are its own
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # method, path, query and body
    Column("owner", String(32), nullable=False),  # the request that claimed it
    Column("status", Integer),  # NULL while the first request runs
    Column("headers", LargeBinary),
    Column("body", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_idempotent_requests_created_at", "created_at"),  # retention deletes by age
)


@dataclass
class Claim:
    """This request's key; `owner` tells its claim row from another request's."""

    scope: str
    key: str
    fingerprint: str
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    open: bool = True


current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


class KeyInUse(Exception):
    """Another request with the same caller and key committed its claim first."""


async def claim(conn: AsyncConnection) -> None:
    """Write the current request's claim in this transaction (the event store calls it with
    every append: the first one writes the row, later ones find it theirs)."""
    found = current.get()
    if found is None or not found.open:
        return
    t = idempotent_requests
    row = {"scope": found.scope, "key": found.key, "fingerprint": found.fingerprint}
    insert_ = pg_insert if is_postgres(conn) else sqlite_insert
    written = await conn.execute(
        insert_(t)
        .values(**row, owner=found.owner, created_at=_now())
        .on_conflict_do_nothing(index_elements=["scope", "key"])
    )
    if written.rowcount:
        return
    owner = select(t.c.owner).where(t.c.scope == found.scope, t.c.key == found.key)
    if (await conn.execute(owner)).scalar_one_or_none() != found.owner:
        raise KeyInUse(found.key)


async def answer(conn: AsyncConnection, status: int, body: Any) -> None:
    """Store the answer in the claim's own transaction, for a handler whose answer is known
    before it commits: a crash right after the commit still leaves the retry its answer."""
    found = current.get()
    if found is not None and found.open:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json")]
        await _store(conn, found, status, headers, payload)


def caller_scope(principal: Principal) -> str:
    """Whose keys these are: the center, department, role and subject of a verified token."""
    return (
        f"{principal.center or '-'}/{principal.department or '-'}/{principal.role}/{principal.sub}"
    )


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """A stable hash of a request: JSON bodies compare by content, not by spacing or order."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}?{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


async def forget(engine: AsyncEngine, *, older_than: timedelta) -> int:
    """Delete keys older than the retention: a retry after that is a new request."""
    cutoff = _now() - older_than
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(idempotent_requests).where(idempotent_requests.c.created_at < cutoff)
        )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Stored:
    """A remembered request: its fingerprint and, once finished, its answer."""

    fingerprint: str
    status: int | None
    headers: list[tuple[bytes, bytes]]
    body: bytes


async def recall(engine: AsyncEngine, scope: str, key: str) -> Stored | None:
    """What is stored for a caller's key, if anything."""
    t = idempotent_requests
    query = select(t.c.fingerprint, t.c.status, t.c.headers, t.c.body).where(
        t.c.scope == scope, t.c.key == key
    )
    async with engine.connect() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    headers = [
        (k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row.headers or b"[]")
    ]
    return Stored(row.fingerprint, row.status, headers, row.body or b"")


async def remember(
    engine: AsyncEngine, found: Claim, status: int, headers: Any, body: bytes
) -> None:
    """Store the answer of a request, when its claim committed (else no row is its own)."""
    async with engine.begin() as conn:
        await _store(conn, found, status, headers, body)


async def _store(
    conn: AsyncConnection, found: Claim, status: int, headers: Any, body: bytes
) -> None:
    kept = [
        [k.decode("latin-1"), v.decode("latin-1")] for k, v in headers if k not in STALE_HEADERS
    ]
    t = idempotent_requests
    await conn.execute(
        update(t)
        .where(t.c.scope == found.scope, t.c.key == found.key, t.c.owner == found.owner)
        .values(status=status, headers=json.dumps(kept).encode(), body=body)
    )


def _now() -> datetime:
    return datetime.now(UTC)

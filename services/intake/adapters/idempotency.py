"""Idempotency keys: the first response to a (caller, key) is the answer to every retry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.adapters.tables import idempotency_keys as t


@dataclass(frozen=True)
class Remembered:
    """A stored answer and the hash of the request that produced it."""

    request_hash: str
    response: dict[str, Any]


def request_hash(body: Any) -> str:
    """A stable hash of a JSON-able request body."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def recall(conn: AsyncConnection, scope: str, key: str) -> Remembered | None:
    """The answer stored for this caller's key, if any."""
    query = select(t.c.request_hash, t.c.response).where(t.c.scope == scope, t.c.key == key)
    row = (await conn.execute(query)).first()
    return None if row is None else Remembered(row.request_hash, dict(row.response))


async def remember(
    conn: AsyncConnection,
    scope: str,
    key: str,
    *,
    hashed: str,
    case_id: str,
    response: dict[str, Any],
    now: datetime,
) -> None:
    """Store the answer; a concurrent first use of the key fails here with an IntegrityError."""
    await conn.execute(
        insert(t).values(
            scope=scope,
            key=key,
            request_hash=hashed,
            case_id=case_id,
            response=response,
            created_at=now,
        )
    )

"""The inbox: every case event supervision consumed, kept so the projection can be rebuilt
from the start without depending on the broker's retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.db import is_postgres
from libs.events.envelope import Envelope
from libs.events.fastpath import in_transaction, insert_rows
from services.supervision.adapters.tables import inbox


async def record(conn: AsyncConnection, envelope: Envelope, known_at: datetime) -> None:
    """Keep one consumed event (the consumer's tracking row makes this once per event)."""
    await conn.execute(insert(inbox).values(_row(envelope, known_at)))


async def record_many(conn: AsyncConnection, envelopes: list[Envelope], known_at: datetime) -> None:
    """Keep several consumed events, in the order given (one executemany)."""
    await insert_rows(conn, inbox, [_row(e, known_at) for e in envelopes])


def _row(envelope: Envelope, known_at: datetime) -> dict[str, object]:
    return {
        "event_id": envelope.id,
        "type": envelope.type,
        "subject": envelope.subject,
        "center": envelope.center,
        "sequence": envelope.sequence,
        "time": envelope.time,
        "data": envelope.data,
        "known_at": known_at,
    }


REPLAY = """
SELECT id, type, center, sequence, time, data::text AS data, known_at FROM supervision_inbox
WHERE id > $1 ORDER BY id LIMIT $2
"""


async def replay(conn: AsyncConnection, batch: int = 5000) -> AsyncIterator[list[dict[str, Any]]]:
    """Every inbox row in the order it was consumed, `batch` rows at a time, its data as JSON
    text (validated when it was consumed; the reader parses it once, into its model). On
    PostgreSQL the rows are read on the driver, without SQLAlchemy's per-value processing."""
    after = 0
    columns = [inbox.c[n] for n in ("id", "type", "center", "sequence", "time", "known_at")]
    while True:
        if is_postgres(conn):
            driver = await in_transaction(conn)
            rows = [dict(r) for r in await driver.fetch(REPLAY, after, batch)]
        else:
            query = select(*columns, cast(inbox.c.data, Text).label("data"))
            query = query.where(inbox.c.id > after).order_by(inbox.c.id).limit(batch)
            rows = [dict(r) for r in (await conn.execute(query)).mappings()]
        if not rows:
            return
        yield rows
        after = int(rows[-1]["id"])

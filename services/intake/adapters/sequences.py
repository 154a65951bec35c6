"""Per-center, per-day case sequence numbers from intake's own database."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.db import is_postgres
from services.intake.adapters.tables import case_sequences as t


async def next_sequence(conn: AsyncConnection, center: str, day: str) -> int:
    """The next number for `center` on `day` (yyyymmdd); its row lock serialises takers."""
    insert = postgresql.insert if is_postgres(conn) else sqlite.insert
    statement = (
        insert(t)
        .values(center=center, day=day, last=1)
        .on_conflict_do_update(index_elements=[t.c.center, t.c.day], set_={"last": t.c.last + 1})
        .returning(t.c.last)
    )
    return int((await conn.execute(statement)).scalar_one())

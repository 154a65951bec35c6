"""What `intake rebuild` reads and empties: the case streams of the store, the reported
events kept in the timeline, and the `cases` rows a dry run compares."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.db import events
from libs.events.registry import UnknownEventType, registry
from services.intake.adapters.tables import case_timeline, cases
from services.intake.domain.query_codes import QueryCodeIssued

# Not derived from events: the plaintext query code (only its hash is stored) and the moment
# a row was written. A dry run compares every other column.
NOT_REBUILT = ("query_code", "updated_at")


async def clear_cases(conn: AsyncConnection) -> None:
    """Empty the `cases` read model (in the rebuild's transaction)."""
    await conn.execute(delete(cases))


async def case_streams(conn: AsyncConnection) -> tuple[list[str], dict[str, str]]:
    """The case streams (in the order they began) and each case's query code hash."""
    begun = and_(events.c.type == s.CaseSubmitted.TYPE, events.c.version == 1)
    query = (
        select(events.c.stream_id, events.c.type, events.c.data)
        .where(or_(begun, events.c.type == QueryCodeIssued.TYPE))
        .order_by(events.c.position)
    )
    streams: list[str] = []
    hashes: dict[str, str] = {}
    for row in (await conn.execute(query)).all():
        if row.type == QueryCodeIssued.TYPE:
            issued = QueryCodeIssued.model_validate(row.data)
            hashes[issued.case_id] = issued.query_hash
        else:
            streams.append(row.stream_id)
    return streams, hashes


async def reported_events(conn: AsyncConnection) -> list[s.CaseEvent]:
    """The other services' case events the timeline kept, in the order they happened."""
    t = case_timeline
    rows = await conn.execute(select(t.c.type, t.c.data).order_by(t.c.at, t.c.event_id))
    reported = []
    for row in rows.all():
        try:
            event = registry.load(row.type, row.data)
        except (UnknownEventType, ValidationError):
            continue  # the consumer could not apply it either
        if isinstance(event, s.CaseEvent):
            reported.append(event)
    return reported


async def snapshot(conn: AsyncConnection) -> dict[str, tuple[object, ...]]:
    """Every `cases` row but the columns a rebuild cannot restore, by case."""
    columns = [c for c in cases.columns if c.name not in NOT_REBUILT]
    rows = await conn.execute(select(*columns))
    return {str(row.case_id): tuple(row) for row in rows}

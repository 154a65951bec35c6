"""The clock ledger: the case events supervision keeps per case, as Happened facts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.registry import UnknownEventType, registry
from services.supervision.adapters.tables import ledger
from services.supervision.domain.facts import Happened


async def read_history(
    conn: AsyncConnection,
    case_ids: Iterable[str],
    *,
    until: datetime | None = None,
    known_by: datetime | None = None,
) -> dict[str, list[Happened]]:
    """Each case's ledger in the order supervision learned it: what happened by `until`,
    and (for reports reproduced later) what supervision had learned by `known_by`."""
    ids = list(case_ids)
    query = select(ledger).where(ledger.c.case_id.in_(ids)).order_by(ledger.c.id)
    if until is not None:
        query = query.where(ledger.c.at <= until)
    if known_by is not None:
        query = query.where(ledger.c.known_at <= known_by)
    histories: dict[str, list[Happened]] = {case_id: [] for case_id in ids}
    for row in (await conn.execute(query)).mappings():
        try:
            event = registry.load(row["type"], row["data"])
        except UnknownEventType:
            continue
        histories[row["case_id"]].append(Happened(event, row["at"]))
    return histories

"""Rebuild the worklist (`work_items`, `joint_parts`) from approval's event store.

Each work item's stream is loaded as the handlers load it and its rows are written again, all
in one transaction, so readers see the old rows until the new ones are complete. The rows'
`updated_at` is the moment of writing, so it is left out when the two are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import WorkOpened
from libs.events.db import events
from services.approval.adapters import joint_store, projection
from services.approval.adapters.joint_tables import joint_parts
from services.approval.adapters.tables import work_items
from services.approval.application.context import Context
from services.approval.application.unit import load_case

Snapshot = dict[str, list[tuple[Any, ...]]]
TABLES: tuple[Table, ...] = (work_items, joint_parts)


@dataclass(frozen=True)
class Rebuilt:
    """The worklist before and after, and how many work items were replayed."""

    before: Snapshot
    after: Snapshot
    work_items: int

    @property
    def identical(self) -> bool:
        """Whether replaying changed nothing."""
        return self.before == self.after


async def rebuild_worklist(ctx: Context, *, dry_run: bool = False) -> Rebuilt:
    """Empty the worklist and write every work item's rows again; roll back when `dry_run`."""
    async with ctx.runtime.engine.connect() as conn:
        transaction = await conn.begin()
        before = await snapshot(conn)
        for table in TABLES:
            await conn.execute(delete(table))
        opened = await _opened_streams(conn)
        for case_id in opened:
            case = await load_case(conn, ctx, case_id)
            await projection.refresh(conn, case)
            await joint_store.refresh_parts(conn, case)
        after = await snapshot(conn)
        await (transaction.rollback() if dry_run else transaction.commit())
    return Rebuilt(before, after, len(opened))


async def _opened_streams(conn: AsyncConnection) -> list[str]:
    """Every stream that opened work here, in the order it did."""
    query = (
        select(events.c.stream_id)
        .where(events.c.type == WorkOpened.TYPE)
        .group_by(events.c.stream_id)
        .order_by(func.min(events.c.position))
    )
    return list((await conn.execute(query)).scalars())


async def snapshot(conn: AsyncConnection) -> Snapshot:
    """Every worklist row but its `updated_at`, in key order."""
    result: Snapshot = {}
    for table in TABLES:
        columns = [c for c in table.columns if c.name != "updated_at"]
        rows = await conn.execute(select(*columns).order_by(*table.primary_key.columns))
        result[table.name] = [tuple(r) for r in rows]
    return result

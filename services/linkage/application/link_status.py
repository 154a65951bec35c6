"""Each link as measured now (for `GET /v1/links`, the metrics and the down alert), and what a
link's errors and round trips leave in its row."""

from __future__ import annotations

from datetime import datetime

from libs.events.uow import UnitOfWork
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.domain.links import LinkRow, Measured


async def measured_links(views: LinkageViews, node: Node) -> list[Measured]:
    """The parent (always, once configured) and every child seen."""
    rows = {r.center: r for r in await views.links.all_links() if r.center != node.center}
    if node.parent and node.parent not in rows:
        rows[node.parent] = LinkRow(center=node.parent, direction="upstream")
    wanted = [r for c, r in rows.items() if c == node.parent or r.direction == "downstream"]
    return [await _measure(views, row) for row in wanted]


async def list_links(*, uow: UnitOfWork[LinkageViews], node: Node) -> list[Measured]:
    """Every link of this node, measured now."""
    async with uow.begin() as tx:
        return await measured_links(tx.views, node)


async def _measure(views: LinkageViews, row: LinkRow) -> Measured:
    up_at: datetime | None
    if row.direction == "upstream":
        count, oldest = await views.links.pending_up()
        up_at, down_at = await views.links.last_sent_up(), row.last_delivery_at
    else:
        count, oldest = await views.links.pending_down(row.center)
        up_at, down_at = row.last_delivery_at, row.last_sent_at
    return Measured(
        center=row.center,
        direction=row.direction,
        last_contact_at=row.last_contact_at,
        backlog=count,
        oldest_undelivered_at=oldest,
        delivered_up_at=up_at,
        delivered_down_at=down_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        alerted_at=row.alerted_at,
    )


async def note_parent_error(*, uow: UnitOfWork[LinkageViews], node: Node, error: str) -> None:
    """The parent link's last error (kept until the next one)."""
    async with uow.begin() as tx:
        await tx.views.links.failed(node.parent, "upstream", error=error, at=node.now())


async def note_parent_contact(*, uow: UnitOfWork[LinkageViews], node: Node) -> None:
    """A round trip to the parent's broker succeeded."""
    async with uow.begin() as tx:
        await tx.views.links.contact(node.parent, "upstream", at=node.now())

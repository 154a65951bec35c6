"""Append supervision's own events and fold them into the projection in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from libs.events.registry import Event
from libs.events.uow import Transaction
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.domain.rules import FollowUpNotFound

KINDS_ZH = {
    "opinion": "督察意见",
    "complaint": "投诉",
    "rating": "评价",
    "notice": "整改通知书",
}


async def record(
    tx: Transaction[SupervisionViews],
    stream: str,
    new: Sequence[Event],
    *,
    center: str,
    version: int | None = None,
) -> None:
    """Append at `version` (default: the stream's current one; 409 if it moved) and project."""
    if version is None:
        version = await tx.events.version(stream)
    await tx.events.append(stream, version, new, center=center)
    for event in new:
        await tx.views.apply_own(event)


async def find(views: SupervisionViews, kind: str, key: str) -> Row:
    """The opinion, complaint, notice or rating with this id, or FollowUpNotFound naming it."""
    row = await views.follow_up(kind, key)
    if row is None:
        raise FollowUpNotFound(
            f"{kind} {key} does not exist", detail_zh=f"{KINDS_ZH.get(kind, kind)} {key} 不存在"
        )
    return row

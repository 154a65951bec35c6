"""Opinions, complaints, notices, ratings and anomalies as lists, each loop with its light."""

from __future__ import annotations

from typing import Any

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.uow import UnitOfWork
from services.supervision.application.ports import LoopPage, Row, SupervisionViews

# Each list's order, newest first: the column it opened at, then its id (the tie-break).
ORDER = {
    "opinions": ("issued_at", "opinion_id"),
    "complaints": ("filed_at", "complaint_id"),
    "notices": ("issued_at", "notice_id"),
    "ratings": ("rated_at", "rating_id"),
    "anomalies": ("detected_at", "anomaly_id"),
}


def loop_key(kind: str, row: Row) -> list[Any]:
    """The cursor key of a listed row."""
    return [row[column] for column in ORDER[kind]]


async def list_loops(
    kind: str,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    principal: Principal,
    page: LoopPage | None = None,
) -> list[Row]:
    """The visible items of one kind, newest first, with their lights: every one, or one page
    (and one more, to tell a next page exists)."""
    now = clock.now()
    async with uow.begin() as tx:
        cal = await tx.calendar()
        return await tx.views.loops(kind, principal, page or LoopPage(), now=now, cal=cal)

"""Projects (并联审批): the green-channel tracking list and statistics per project series."""

from __future__ import annotations

from libs.events.uow import UnitOfWork
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.domain.scope import Scope


async def green_channel(scope: Scope, *, uow: UnitOfWork[SupervisionViews]) -> list[Row]:
    """跟踪督办: green-channel projects, each one's stage, its parts' lights and the worst."""
    async with uow.begin() as tx:
        return await tx.views.green_channel(scope)


async def series_statistics(
    scope: Scope, series: str | None, *, uow: UnitOfWork[SupervisionViews]
) -> list[Row]:
    """Per series: projects, elapsed working days per project and stage, on-time parts."""
    async with uow.begin() as tx:
        return await tx.views.series_statistics(scope, series)

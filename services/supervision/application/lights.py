"""Lights of many cases, now or as they stood at another instant."""

from __future__ import annotations

from datetime import datetime

from libs.events.uow import UnitOfWork
from services.supervision.application.ports import SupervisionViews
from services.supervision.domain.light_view import LightView
from services.supervision.domain.scope import Scope


async def lights(
    scope: Scope, *, uow: UnitOfWork[SupervisionViews], now: datetime, at: datetime | None
) -> list[LightView]:
    """Every visible light: evaluated at `now` from the stored clocks, or, with `at`, each
    case's ledger folded up to then (what came later does not leak back)."""
    async with uow.begin() as tx:
        cal = await tx.calendar()
        if at is None:
            return await tx.views.current_lights(scope, now, cal, open_only=False)
        return await tx.views.lights_at(scope, at, cal)

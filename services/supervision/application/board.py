"""The wall screen's data: counts by colour, the cases in warning, and the on-time trend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from libs.events.uow import UnitOfWork
from services.supervision.application.acceptance_due import acceptance_due
from services.supervision.application.naming import naming_of
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.statistics import trend
from services.supervision.config import Settings
from services.supervision.domain.clock import WHOLE
from services.supervision.domain.light_view import LightView
from services.supervision.domain.scope import Scope

COLORS = ("green", "yellow", "red")
TREND_DAYS = 14
TREND_WINDOW = 30


def _counts(
    views: list[LightView], key: Callable[[LightView], str], name: Callable[[str], str]
) -> list[dict[str, Any]]:
    tally: Counter[tuple[str, str]] = Counter((key(v), v.color) for v in views)
    codes = sorted({key(v) for v in views})
    return [
        {"code": code, "name": name(code), **{c: tally[(code, c)] for c in COLORS}}
        for code in codes
    ]


async def board(
    scope: Scope, *, uow: UnitOfWork[SupervisionViews], settings: Settings, now: datetime
) -> dict[str, Any]:
    """Everything the dashboard shows, as of now."""
    async with uow.begin() as tx:
        cal = await tx.calendar()
        views = await tx.views.current_lights(scope, now, cal, open_only=True)
        naming = naming_of(await tx.views.names(), settings)
    whole = [v for v in views if v.part == WHOLE]
    warnings = sorted((v for v in views if v.color != "green"), key=lambda v: v.remaining)
    return {
        "as_of": now,
        "totals": {c: sum(v.color == c for v in whole) for c in COLORS},
        "by_department": _counts(whole, lambda v: v.clock.department, naming.department),
        "by_center": _counts(whole, lambda v: str(v.case.get("center")), naming.center),
        "warnings": [
            {
                **v.as_dict(),
                "department_name": naming.department(v.clock.department, str(v.case.get("center"))),
                "center_name": naming.center(str(v.case.get("center"))),
            }
            for v in warnings
        ],
        "trend": await trend(scope, uow=uow, now=now, days=TREND_DAYS, window=TREND_WINDOW),
        "acceptance_due": await acceptance_due(
            scope, uow=uow, names=settings.department_names, now=now
        ),
    }

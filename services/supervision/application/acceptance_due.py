"""Online submissions the window has not judged, about to count as accepted (art. 32)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from libs.events.calendar import Deadline
from libs.events.clock import SHANGHAI, beijing_iso
from libs.events.uow import UnitOfWork
from services.supervision.application.ports import SupervisionViews
from services.supervision.domain.scope import Scope


def _beijing(stored: str) -> str:
    return beijing_iso(datetime.fromisoformat(stored))


def _due(warning: dict[str, Any]) -> Deadline:
    at = datetime.fromisoformat(warning["deemed_at"])
    return Deadline(at=at, due_day=at.astimezone(SHANGHAI).date(), provisional=False)


async def acceptance_due(
    scope: Scope,
    *,
    uow: UnitOfWork[SupervisionViews],
    names: Mapping[str, str],
    now: datetime,
) -> list[dict[str, Any]]:
    """Warned cases still not accepted, the soonest first, with the working days left before
    they count as accepted, for the wall screen."""
    async with uow.begin() as tx:
        rows = await tx.views.acceptance_due(scope)
        calendar = await tx.calendar()
    due = [
        {
            "case_id": r["case_id"],
            "case_no": r["case_no"],
            "center": r["center"],
            "department": r["department"],
            "department_name": names.get(r["department"], r["department"]),
            "item_name": r["item_name"],
            "received_at": _beijing(r["data"]["received_at"]),
            "deemed_at": _beijing(r["data"]["deemed_at"]),
            "remaining": round(calendar.remaining_working_time(now, _due(r["data"])), 2),
        }
        for r in rows
    ]
    return sorted(due, key=lambda d: (d["deemed_at"], d["case_id"]))

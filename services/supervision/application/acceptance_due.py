"""Online submissions the window has not judged, about to count as accepted (art. 32)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from libs.events import contract as s
from libs.events.calendar import Deadline
from libs.events.clock import SHANGHAI, beijing_iso
from services.supervision.adapters.tables import ledger, supervised_cases
from services.supervision.application.context import Supervision
from services.supervision.domain.scope import Scope


def _beijing(stored: str) -> str:
    return beijing_iso(datetime.fromisoformat(stored))


def _due(warning: dict[str, Any]) -> Deadline:
    at = datetime.fromisoformat(warning["deemed_at"])
    return Deadline(at=at, due_day=at.astimezone(SHANGHAI).date(), provisional=False)


async def acceptance_due(sv: Supervision, scope: Scope, *, now: datetime) -> list[dict[str, Any]]:
    """Warned cases still not accepted, the soonest first, with the working days left before
    they count as accepted, for the wall screen."""
    t = supervised_cases
    query = (
        select(t.c.case_id, t.c.case_no, t.c.center, t.c.department, t.c.item_name, ledger.c.data)
        .join(ledger, ledger.c.case_id == t.c.case_id)
        .where(ledger.c.type == s.CaseAcceptanceDue.TYPE, t.c.accepted_at.is_(None))
        .where(t.c.status == "submitted", t.c.center.in_(sorted(scope.centers)))
    )
    if scope.department is not None:
        query = query.where(t.c.department == scope.department)
    async with sv.engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
        calendar = await sv.calendars.get(conn)
    names = sv.settings.department_names
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

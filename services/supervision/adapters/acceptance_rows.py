"""Submissions warned of deemed acceptance (art. 32) and still not accepted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from services.supervision.adapters.tables import ledger, supervised_cases
from services.supervision.domain.scope import Scope


async def acceptance_due(conn: AsyncConnection, scope: Scope) -> list[dict[str, Any]]:
    """The visible warned cases with the warning's data (`data`)."""
    t = supervised_cases
    query = (
        select(t.c.case_id, t.c.case_no, t.c.center, t.c.department, t.c.item_name, ledger.c.data)
        .join(ledger, ledger.c.case_id == t.c.case_id)
        .where(ledger.c.type == s.CaseAcceptanceDue.TYPE, t.c.accepted_at.is_(None))
        .where(t.c.status == "submitted", t.c.center.in_(sorted(scope.centers)))
    )
    if scope.department is not None:
        query = query.where(t.c.department == scope.department)
    return [dict(r) for r in (await conn.execute(query)).mappings().all()]

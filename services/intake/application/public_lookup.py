"""The applicant's status lookup by case number and query code, without a token."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import org
from libs.events.runtime import Runtime
from libs.events.words import status_fields
from services.intake.adapters.tables import aware, cases, published_decisions
from services.intake.application.common import shared_status
from services.intake.domain.query_codes import query_hash


async def _case_with_code(
    conn: AsyncConnection, case_no: str, code: str, pepper: str
) -> RowMapping | None:
    """The case's row when the number and the query code match, else None."""
    query = select(cases).where(cases.c.case_no == case_no)
    row = (await conn.execute(query)).mappings().first()
    stored = row["query_hash"] if row is not None else None
    # Compare in constant time even for unknown numbers, so timing tells nothing.
    given = query_hash(code, pepper=pepper)
    matches = secrets.compare_digest((stored or "-").encode(), given.encode())
    if row is None or stored is None or not matches:
        return None
    return row


async def public_decision(
    *, runtime: Runtime, case_no: str, code: str, pepper: str
) -> dict[str, Any] | None:
    """The sealed decision document of a case, for whoever holds its number and query code;
    None when the number or the code is wrong (LookupError: no decision published yet)."""
    async with runtime.engine.connect() as conn:
        row = await _case_with_code(conn, case_no, code, pepper)
        if row is None:
            return None
        t = published_decisions
        query = select(t).where(t.c.case_id == row["case_id"])
        found = (await conn.execute(query)).mappings().first()
    if found is None:
        raise LookupError(f"case {case_no} has no decision document yet")
    return dict(found)


async def lookup_case(
    *, runtime: Runtime, case_no: str, code: str, pepper: str
) -> dict[str, Any] | None:
    """The public view of a case, or None when the number or the code is wrong."""
    async with runtime.engine.connect() as conn:
        row = await _case_with_code(conn, case_no, code, pepper)
        names = await org.names(conn)
    if row is None:
        return None
    return {
        "case_no": row["case_no"],
        "item_name": row["item_name"],
        "department": row["department"],
        "department_name": names.department(row["center"], row["department"]),
        "center": row["center"],
        "center_name": names.center(row["center"]),
        **status_fields(shared_status(row)),
        "submitted_at": aware(row["submitted_at"]),
        "accepted_at": aware(row["accepted_at"]),
        "deadline": aware(row["deadline"]),
        "due_day": row["due_day"],
        "provisional": row["provisional"],
        "decided_at": aware(row["decided_at"]),
    }

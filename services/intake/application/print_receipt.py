"""The acceptance receipt (受理回执) of an accepted case, as PDF."""

from __future__ import annotations

import asyncio
from typing import Any

from libs.events import org
from libs.events.auth import Principal
from libs.events.caseclock import ClockFacts
from libs.events.contract import CaseAccepted, CaseSubmitted
from libs.events.runtime import Runtime
from services.intake.adapters.receipt import ReceiptData, render_receipt
from services.intake.application.common import case_row, item_of, load_case
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.rules import CaseNotAccepted


async def receipt_pdf(
    *, runtime: Runtime, case_id: str, principal: Principal, center_name: str
) -> tuple[str, bytes]:
    """The case number and the receipt's PDF bytes."""
    async with runtime.engine.connect() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        item = await item_of(conn, case)
        row = await case_row(conn, case_id)
        names = await org.names(conn)
        calendar = await runtime.calendar(conn)
    clock = ClockFacts.from_json(row["clock"]) if row["clock"] else None
    row["added_days"] = clock.added_days(calendar) if clock else 0
    if case.accepted is None or case.submitted is None:
        raise CaseNotAccepted(f"case {case_id} is {case.status}; it has no acceptance receipt")
    s = case.submitted
    center_name = names.centers.get(s.center) or center_name
    department = names.department(s.center, s.department)
    data = _receipt_data(case, s, case.accepted, item, row, center_name, department)
    # Rendered after the connection is closed, in a worker thread: the event loop goes on.
    return data.case_no, await asyncio.to_thread(render_receipt, data)


def _receipt_data(
    case: Case,
    s: CaseSubmitted,
    accepted: CaseAccepted,
    item: ItemVersion,
    row: dict[str, Any],
    center_name: str,
    department_name: str,
) -> ReceiptData:
    names = {m.code: m.name for m in item.materials}
    return ReceiptData(
        center=s.center,
        center_name=center_name,
        case_no=s.case_no,
        query_code=row["query_code"] or "",
        item_code=s.item_code,
        item_version=s.item_version,
        item_name=s.item_name,
        department=department_name,
        kind=s.kind,
        channel=s.channel,
        applicant_name=s.applicant.name,
        applicant_id_no=s.applicant.id_no,
        accepted_at=accepted.accepted_at,
        received=[names[c] for c in case.provided if c not in accepted.tolerated_missing],
        tolerated=[names[c] for c in accepted.tolerated_missing],
        supplement_by=case.supplement_by or accepted.supplement_by,
        promised_first=accepted.supplement_by if case.extended else None,
        promise=accepted.promise,
        due_day=row["due_day"] or accepted.due_day,
        limit_days=accepted.limit_days,
        provisional=bool(row["provisional"]),
        added_days=int(row["added_days"] or 0),
    )

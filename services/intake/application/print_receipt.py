"""The acceptance receipt (受理回执) of an accepted case, as PDF."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from libs.events.auth import Principal
from libs.events.contract import CaseAccepted
from services.intake.application.common import IntakeUnitOfWork, case_row, item_of, load_case
from services.intake.application.ports import CaseRow, ReceiptData
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.rules import CaseNotAccepted

Render = Callable[[ReceiptData], bytes]


@dataclass(frozen=True)
class Printed:
    """The receipt's case number and its PDF."""

    case_no: str
    pdf: bytes


async def receipt_pdf(
    case_id: str, principal: Principal, *, uow: IntakeUnitOfWork, center_name: str, render: Render
) -> Printed:
    """The receipt of an accepted case, rendered by `render`; `center_name` until the center
    is named."""
    async with uow.begin() as tx:
        case = await load_case(tx, case_id, principal)
        item = await item_of(tx, case)
        row = await case_row(tx, case_id)
        names = await tx.views.org_names()
        calendar = await tx.calendar()
    clock = row.clock_facts
    added_days = clock.added_days(calendar) if clock else 0
    if case.accepted is None or case.submitted is None:
        raise CaseNotAccepted(f"case {case_id} is {case.status}; it has no acceptance receipt")
    s = case.submitted
    data = ReceiptData(
        **_receipt_data(
            case,
            row,
            center_name=names.centers.get(s.center) or center_name,
            department=names.department(s.center, s.department),
        ),
        **_acceptance_data(case, case.accepted, item, row),
        added_days=added_days,
    )
    # Rendered after the transaction ended, in a worker thread: the event loop goes on.
    return Printed(data.case_no, await asyncio.to_thread(render, data))


def _receipt_data(case: Case, row: CaseRow, *, center_name: str, department: str) -> dict[str, Any]:
    """What the receipt prints of the case's receipt (收件)."""
    s = case.submitted
    assert s is not None
    return {
        "center": s.center,
        "center_name": center_name,
        "case_no": s.case_no,
        "query_code": row.query_code or "",
        "item_code": s.item_code,
        "item_version": s.item_version,
        "item_name": s.item_name,
        "department": department,
        "kind": s.kind,
        "channel": s.channel,
        "applicant_name": s.applicant.name,
        "applicant_id_no": s.applicant.id_no,
    }


def _acceptance_data(
    case: Case, accepted: CaseAccepted, item: ItemVersion, row: CaseRow
) -> dict[str, Any]:
    """What the receipt prints of the acceptance: materials, the 容缺 promise, the deadline."""
    names = {m.code: m.name for m in item.materials}
    return {
        "accepted_at": accepted.accepted_at,
        "received": [names[c] for c in case.provided if c not in accepted.tolerated_missing],
        "tolerated": [names[c] for c in accepted.tolerated_missing],
        "supplement_by": case.supplement_by or accepted.supplement_by,
        "promised_first": accepted.supplement_by if case.extended else None,
        "promise": accepted.promise,
        "due_day": row.due_day or accepted.due_day,
        "limit_days": accepted.limit_days,
        "provisional": row.provisional,
    }

"""The applicant's status lookup by case number and query code, without a token."""

from __future__ import annotations

import secrets

from libs.events.words import status_fields
from services.intake.api.schemas import PublicCaseRead, PublicDecisionRead
from services.intake.application.common import IntakeTransaction, IntakeUnitOfWork
from services.intake.application.ports import CaseRow
from services.intake.domain.query_codes import query_hash
from services.intake.domain.rules import NoDecisionYet


async def _case_with_code(
    tx: IntakeTransaction, case_no: str, code: str, pepper: str
) -> CaseRow | None:
    """The case's row when the number and the query code match, else None."""
    row = await tx.views.case_by_number(case_no)
    stored = row.query_hash if row is not None else None
    # Compare in constant time even for unknown numbers, so timing tells nothing.
    given = query_hash(code, pepper=pepper)
    matches = secrets.compare_digest((stored or "-").encode(), given.encode())
    if row is None or stored is None or not matches:
        return None
    return row


async def public_decision(
    case_no: str, code: str, *, uow: IntakeUnitOfWork, pepper: str
) -> PublicDecisionRead | None:
    """The sealed decision document of a case, for whoever holds its number and query code;
    None when the number or the code is wrong (NoDecisionYet: none published yet)."""
    async with uow.begin() as tx:
        row = await _case_with_code(tx, case_no, code, pepper)
        if row is None:
            return None
        found = await tx.views.published_decision(row.case_id)
    if found is None:
        raise NoDecisionYet(f"case {case_no} has no decision document yet")
    return PublicDecisionRead(
        case_id=found.case_id,
        document_id=found.document_id,
        document=found.document,
        pdf=found.pdf,
        seal=found.seal,
        public_key_pem=found.public_key_pem,
        issued_at=found.issued_at,
    )


async def lookup_case(
    case_no: str, code: str, *, uow: IntakeUnitOfWork, pepper: str
) -> PublicCaseRead | None:
    """The public view of a case, or None when the number or the code is wrong."""
    async with uow.begin() as tx:
        row = await _case_with_code(tx, case_no, code, pepper)
        names = await tx.views.org_names()
    if row is None:
        return None
    return PublicCaseRead(
        case_no=row.case_no,
        item_name=row.item_name,
        department=row.department,
        department_name=names.department(row.center, row.department),
        center=row.center,
        center_name=names.center(row.center),
        **status_fields(row.shared_status),
        submitted_at=row.submitted_at,
        accepted_at=row.accepted_at,
        deadline=row.deadline,
        due_day=row.due_day,
        provisional=row.provisional,
        decided_at=row.decided_at,
    )

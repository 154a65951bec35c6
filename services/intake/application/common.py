"""Steps every case command shares: load the case, check the caller's scope, save and project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from libs.events.auth import Principal, Role, can_see_center, within_department
from libs.events.registry import Event
from libs.events.uow import Transaction, UnitOfWork
from services.intake.api.schemas import NoticeEntry
from services.intake.application.ports import CaseRow, IntakeViews
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.rules import CaseNotFound, UnknownItem

IntakeUnitOfWork = UnitOfWork[IntakeViews]
IntakeTransaction = Transaction[IntakeViews]


def may_see(principal: Principal, case: Case) -> bool:
    """Staff see their own center's cases (reviewers and approvers their department's); an
    applicant sees the cases they submitted."""
    if principal.role == Role.applicant:
        return bool(case.submitted_by) and principal.sub == case.submitted_by
    department = case.submitted.department if case.submitted else None
    return can_see_center(principal, case.center) and within_department(principal, department)


async def load_case(tx: IntakeTransaction, case_id: str, principal: Principal | None) -> Case:
    """The case, or CaseNotFound when it does not exist or the principal may not see it."""
    case = await tx.events.load(Case, case_id)
    if case.version == 0 or (principal is not None and not may_see(principal, case)):
        raise CaseNotFound(f"case {case_id} is not known here")
    return case


async def save_case(
    tx: IntakeTransaction, case: Case, new: Sequence[Event], *, now: datetime
) -> None:
    """Append the new events and bring the read model along, in the same transaction."""
    if not new:
        return
    await tx.events.save(case, new)
    await tx.views.project_case(case, new, now=now)


async def item_of(tx: IntakeTransaction, case: Case) -> ItemVersion:
    """The item version the case was submitted under (a later version never changes it)."""
    assert case.submitted is not None
    code, version = case.submitted.item_code, case.submitted.item_version
    item = await tx.views.item_version(code, version)
    if item is None:
        raise UnknownItem(f"item {code} version {version} is missing from the catalogue")
    return item


async def case_row(tx: IntakeTransaction, case_id: str) -> CaseRow:
    """The case's read-model row (query code, outcome, paused days)."""
    row = await tx.views.case_row(case_id)
    if row is None:
        raise CaseNotFound(f"case {case_id} is not known here")
    return row


def notice(item: ItemVersion, missing: Sequence[str], reasons: dict[str, str]) -> list[NoticeEntry]:
    """The one-time notice as the applicant reads it: every material to bring, and why."""
    entries = []
    for code in missing:
        material = item.material(code)
        entries.append(
            NoticeEntry(
                code=code,
                name=material.name if material else code,
                key=bool(material and material.key),
                reason=reasons.get(code, "缺少该材料 (missing)"),
            )
        )
    return entries

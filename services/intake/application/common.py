"""Steps every case command shares: load the case, check the caller's scope, save and project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role, can_see_center, within_department
from libs.events.registry import Event
from libs.events.runtime import Runtime
from libs.events.store import load, save
from libs.events.words import case_status
from services.intake.adapters import catalog
from services.intake.adapters.projection import project_case
from services.intake.adapters.tables import cases
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.rules import CaseNotFound, UnknownItem


def may_see(principal: Principal, case: Case) -> bool:
    """Staff see their own center's cases (reviewers and approvers their department's); an
    applicant sees the cases they submitted."""
    if principal.role == Role.applicant:
        return bool(case.submitted_by) and principal.sub == case.submitted_by
    department = case.submitted.department if case.submitted else None
    return can_see_center(principal, case.center) and within_department(principal, department)


async def load_case(
    runtime: Runtime, conn: AsyncConnection, case_id: str, principal: Principal | None
) -> Case:
    """The case, or CaseNotFound when it does not exist or the principal may not see it."""
    case = await load(runtime.store, conn, Case, case_id)
    if case.version == 0 or (principal is not None and not may_see(principal, case)):
        raise CaseNotFound(f"case {case_id} is not known here")
    return case


async def save_case(
    runtime: Runtime, conn: AsyncConnection, case: Case, new: Sequence[Event]
) -> None:
    """Append the new events and bring the read model along, in the caller's transaction."""
    if not new:
        return
    await save(runtime.store, conn, case, new)
    await project_case(conn, case, new, now=runtime.clock.now())


async def item_of(conn: AsyncConnection, case: Case) -> ItemVersion:
    """The item version the case was submitted under (a later version never changes it)."""
    assert case.submitted is not None
    code, version = case.submitted.item_code, case.submitted.item_version
    item = await catalog.item_version(conn, code, version)
    if item is None:
        raise UnknownItem(f"item {code} version {version} is missing from the catalogue")
    return item


async def case_row(conn: AsyncConnection, case_id: str) -> dict[str, Any]:
    """The case's read-model row (query code, outcome, paused days)."""
    row = (await conn.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
    if row is None:
        raise CaseNotFound(f"case {case_id} is not known here")
    return dict(row)


def shared_status(row: Mapping[Any, Any]) -> str:
    """The case's status in the vocabulary every service answers in: approval's outcome, else
    its state (suspended, escalated), else intake's own."""
    return str(row["outcome"] or row["progress"] or case_status(row["status"]))


def notice(
    item: ItemVersion, missing: Sequence[str], reasons: dict[str, str]
) -> list[dict[str, Any]]:
    """The one-time notice as the applicant reads it: every material to bring, and why."""
    entries = []
    for code in missing:
        material = item.material(code)
        entries.append(
            {
                "code": code,
                "name": material.name if material else code,
                "key": bool(material and material.key),
                "reason": reasons.get(code, "缺少该材料 (missing)"),
            }
        )
    return entries

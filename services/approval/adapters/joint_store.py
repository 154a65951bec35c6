"""Joint items, filed joint cases and the parts' worklist rows (written with the case's events)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.approval.adapters.joint_tables import joint_items, joint_parts, joint_submissions
from services.approval.application.ports import JointSubmission
from services.approval.domain.case import ApprovalCase
from services.approval.domain.joint import JointItem

OPEN = ("open", "suspended")


async def remember_joint_item(conn: AsyncConnection, item: JointItem, version: int) -> None:
    """Keep the newest version of a joint item."""
    found = await conn.execute(select(joint_items.c.version).where(joint_items.c.code == item.code))
    known = found.scalar_one_or_none()
    if known is not None and known >= version:
        return
    await conn.execute(delete(joint_items).where(joint_items.c.code == item.code))
    materials = {code: code in item.key_materials for code in item.materials}
    await conn.execute(
        insert(joint_items).values(
            code=item.code,
            version=version,
            lead_department=item.lead_department,
            limits=item.limits,
            promised_limit_days=item.promised_limit_days,
            materials=materials,
        )
    )


async def joint_item_of(conn: AsyncConnection, code: str) -> JointItem | None:
    """The newest known joint item of that code."""
    row = (await conn.execute(select(joint_items).where(joint_items.c.code == code))).first()
    if row is None:
        return None
    materials: dict[str, bool] = dict(row.materials)
    return JointItem(
        code=row.code,
        lead_department=row.lead_department,
        limits={str(k): int(v) for k, v in dict(row.limits).items()},
        promised_limit_days=row.promised_limit_days,
        key_materials=frozenset(c for c, key in materials.items() if key),
        materials=frozenset(materials),
    )


async def remember_submission(conn: AsyncConnection, filed: JointSubmission) -> None:
    """A joint case was filed at intake (once; a redelivery changes nothing)."""
    query = select(joint_submissions.c.case_id).where(joint_submissions.c.case_id == filed.case_id)
    if (await conn.execute(query)).first() is not None:
        return
    await conn.execute(
        insert(joint_submissions).values(
            case_id=filed.case_id,
            center=filed.center,
            item_code=filed.item_code,
            case_no=filed.case_no,
        )
    )


async def submission_of(conn: AsyncConnection, case_id: str) -> JointSubmission | None:
    """The filed joint case, if intake's `case.submitted` reached approval."""
    query = select(joint_submissions).where(joint_submissions.c.case_id == case_id)
    row = (await conn.execute(query)).first()
    return JointSubmission(row.case_id, row.center, row.item_code, row.case_no) if row else None


async def refresh_parts(conn: AsyncConnection, case: ApprovalCase) -> None:
    """Rewrite the rows of every part of a joint case."""
    if case.joint is None:
        return
    await conn.execute(delete(joint_parts).where(joint_parts.c.case_id == case.stream_id))
    now = datetime.now(UTC)
    rows = [
        {
            "case_id": case.stream_id,
            "department": part.department,
            "held_at": case.facts.held_at,
            "status": part.status,
            "step": part.step,
            "assignee": part.assignee,
            "deadline": part.deadline.at,
            "due_day": part.deadline.due_day,
            "updated_at": now,
        }
        for part in case.joint.parts.values()
    ]
    await conn.execute(insert(joint_parts), rows)


async def open_part_case_ids(conn: AsyncConnection, *, department: str) -> list[str]:
    """Every joint case with an undecided part of this department."""
    query = select(joint_parts.c.case_id).where(
        joint_parts.c.department == department, joint_parts.c.status.in_(OPEN)
    )
    return list((await conn.execute(query)).scalars())

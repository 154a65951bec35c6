"""A/B岗: a person is away or back; open work waiting on them moves to the B post at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.store import save
from services.approval.adapters import joint_store, projection
from services.approval.application.context import Context
from services.approval.application.unit import commit, department, load_case
from services.approval.domain.department import Department
from services.approval.domain.handover import route_around
from services.approval.domain.joint_parts import route_part_around
from services.approval.events import DepartmentAbsenceMarked


@dataclass(frozen=True)
class MarkAbsence:
    """Mark a person of a department absent or present."""

    department: str
    person: str
    absent: bool
    reason: str = ""


async def mark_absence(
    conn: AsyncConnection, cmd: MarkAbsence, *, ctx: Context, principal: Principal
) -> Department:
    """Append `department.absence_marked`; when away, re-route every open item waiting on them."""
    staff = await department(conn, ctx, cmd.department)
    now = ctx.now()
    marked = DepartmentAbsenceMarked(
        center=ctx.center,
        department=cmd.department,
        person=cmd.person,
        absent=cmd.absent,
        reason=cmd.reason,
        by=principal.sub,
        at=now,
    )
    await save(ctx.store, conn, staff, [marked])
    if cmd.absent:
        for case_id in await projection.open_case_ids(conn, department=cmd.department):
            case = await load_case(conn, ctx, case_id)
            await commit(conn, ctx, case, route_around(case, cmd.person, staff=staff, now=now))
        for case_id in await joint_store.open_part_case_ids(conn, department=cmd.department):
            case = await load_case(conn, ctx, case_id)  # 并联审批: the department's part
            moved = route_part_around(case, cmd.department, cmd.person, staff=staff, now=now)
            await commit(conn, ctx, case, moved)
    return staff

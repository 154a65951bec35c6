"""A/B岗: a person is away or back; open work waiting on them moves to the B post at once."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.ports import ApprovalTx, ApprovalUnit
from services.approval.application.unit import commit, department, load_case
from services.approval.config import Settings
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
    cmd: MarkAbsence, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> Department:
    """Append `department.absence_marked`; when away, re-route every open item waiting on them."""
    marked = DepartmentAbsenceMarked(
        center=settings.center_code,
        department=cmd.department,
        person=cmd.person,
        absent=cmd.absent,
        reason=cmd.reason,
        by=principal.sub,
        at=clock.now(),
    )
    async with uow.begin() as tx:
        staff = await department(tx, cmd.department)
        await tx.events.save(staff, [marked])
        if cmd.absent:
            await _route_around(tx, cmd, staff, marked, channel=settings.notify_channel)
    return staff


async def _route_around(
    tx: ApprovalTx,
    cmd: MarkAbsence,
    staff: Department,
    marked: DepartmentAbsenceMarked,
    *,
    channel: str,
) -> None:
    now = marked.at
    for case_id in await tx.views.open_case_ids(cmd.department):
        case = await load_case(tx, case_id)
        moved = route_around(case, cmd.person, staff=staff, now=now)
        await commit(tx, case, moved, channel=channel)
    for case_id in await tx.views.open_part_case_ids(cmd.department):
        case = await load_case(tx, case_id)  # 并联审批: the department's part
        moved = route_part_around(case, cmd.department, cmd.person, staff=staff, now=now)
        await commit(tx, case, moved, channel=channel)

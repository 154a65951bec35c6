"""What staff read: a case with its notices, and a department's worklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from libs.events.auth import Principal
from services.approval.application.ports import ApprovalUnit, WorkQuery, WorkSearch
from services.approval.application.unit import CaseView, case_for, viewed
from services.approval.config import Settings
from services.approval.domain.access import CenterOnly, OwnDepartmentOnly, SayWhichDepartment


async def read_case(case_id: str, *, principal: Principal, uow: ApprovalUnit) -> CaseView:
    """A work item the caller may see, with the notices sent to its applicant."""
    async with uow.begin() as tx:
        return await viewed(tx, await case_for(tx, case_id, principal, acting=False))


@dataclass(frozen=True)
class ReadWorklist:
    """One page of a department's open work."""

    department: str | None
    mine: bool
    search: WorkSearch
    cursor: str | None
    limit: int


async def read_worklist(
    cmd: ReadWorklist, *, principal: Principal, uow: ApprovalUnit, settings: Settings
) -> list[dict[str, Any]]:
    """The department's open work at this center (and one line more: the next page's first)."""
    wanted = _department_of(principal, cmd.department)
    center = settings.center_code
    if principal.center != center:
        raise CenterOnly(
            f"this approval node serves center {center}",
            detail_zh=f"本审批节点只服务中心 {center}",
        )
    query = WorkQuery(
        held_at=center,
        department=wanted,
        person=principal.sub if cmd.mine else None,
        search=cmd.search,
        key=settings.id_search_key,
        cursor=cmd.cursor,
        limit=cmd.limit,
    )
    async with uow.begin() as tx:
        return await tx.views.worklist_page(query)


def _department_of(principal: Principal, asked: str | None) -> str:
    if principal.department and asked not in (None, principal.department):
        raise OwnDepartmentOnly(
            f"{principal.sub} works for {principal.department}, not {asked}",
            detail_zh=f"{principal.sub} 属于部门 {principal.department}，不能查看部门 {asked}",
        )
    found = principal.department or asked
    if not found:
        raise SayWhichDepartment(
            "say which department: ?department=CODE",
            detail_zh="请用 ?department=部门编码 指明部门",
        )
    return found


def work_key(row: dict[str, Any]) -> list[Any]:
    """The order of a worklist and its cursor: deadline, case, department (a joint part)."""
    return [row["deadline"], row["case_id"], row["department"]]

"""The department extends a 容缺 promise once, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from libs.events.auth import Principal, Role
from libs.events.clock import Clock
from libs.events.contract import CasePromiseExtended
from services.intake.api.schemas import StatusRead
from services.intake.application.common import IntakeUnitOfWork, load_case, save_case
from services.intake.domain.rules import OnlyTheCaseDepartmentExtends


@dataclass(frozen=True)
class ExtendPromise:
    """The one extension of a 容缺 promise: the later date and why."""

    case_id: str
    principal: Principal
    supplement_by: date
    reason: str


async def extend_promise(cmd: ExtendPromise, *, uow: IntakeUnitOfWork, clock: Clock) -> StatusRead:
    """Move the promised date later; only the case's department (or the center admin) may."""
    principal = cmd.principal
    async with uow.begin() as tx:
        case = await load_case(tx, cmd.case_id, principal)
        department = case.submitted.department if case.submitted else ""
        if principal.role != Role.admin and principal.department != department:
            raise OnlyTheCaseDepartmentExtends(
                f"only department {department} or the center administrator may extend",
                detail_zh=f"只有部门 {department} 或中心管理员可以延长补齐期限",
            )
        events = case.extend_promise(
            cmd.supplement_by, cmd.reason, now=clock.now(), by=principal.sub
        )
        await save_case(tx, case, events, now=clock.now())
    first = events[0]
    return StatusRead(
        case_id=cmd.case_id,
        status=case.status,
        supplement_by=case.supplement_by,
        reason=first.reason if isinstance(first, CasePromiseExtended) else cmd.reason,
    )

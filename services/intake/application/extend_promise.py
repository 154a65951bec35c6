"""The department extends a 容缺 promise once, with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from libs.events.auth import Principal, Role
from libs.events.contract import CasePromiseExtended
from libs.events.http import Problem
from libs.events.runtime import Runtime
from services.intake.application.common import load_case, save_case


async def extend_promise(
    *, runtime: Runtime, case_id: str, principal: Principal, supplement_by: date, reason: str
) -> dict[str, Any]:
    """Move the promised date later; only the case's department (or the center admin) may."""
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        department = case.submitted.department if case.submitted else ""
        if principal.role != Role.admin and principal.department != department:
            raise Problem(
                403,
                f"only department {department} or the center administrator may extend",
                detail_zh=f"只有部门 {department} 或中心管理员可以延长补齐期限",
            )
        events = case.extend_promise(
            supplement_by, reason, now=runtime.clock.now(), by=principal.sub
        )
        await save_case(runtime, conn, case, events)
    return {
        "case_id": case_id,
        "status": case.status,
        "supplement_by": case.supplement_by,
        "reason": events[0].reason if isinstance(events[0], CasePromiseExtended) else reason,
    }

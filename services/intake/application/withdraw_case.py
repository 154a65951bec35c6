"""Withdraw a case (撤回) before its decision."""

from __future__ import annotations

from typing import Any

from libs.events.auth import Principal
from libs.events.runtime import Runtime
from libs.events.schemas import CaseWithdrawn
from services.intake.application.common import is_decided, load_case, save_case


async def withdraw_case(
    *, runtime: Runtime, case_id: str, principal: Principal, reason: str = ""
) -> dict[str, Any]:
    """Close the case at the applicant's wish, unless approval already decided it."""
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        decided = await is_decided(conn, case_id)
        events = case.withdraw(reason, now=runtime.clock.now(), by=principal.sub, decided=decided)
        await save_case(runtime, conn, case, events)
    stored = events[0].reason if events and isinstance(events[0], CaseWithdrawn) else reason
    return {"case_id": case_id, "status": case.status, "reason": stored}

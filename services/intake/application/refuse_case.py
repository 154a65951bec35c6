"""Refuse to accept a case (不予受理) with its reason."""

from __future__ import annotations

from typing import Any

from libs.events.auth import Principal
from libs.events.runtime import Runtime
from services.intake.application.common import load_case, save_case


async def refuse_case(
    *, runtime: Runtime, case_id: str, principal: Principal, reason: str
) -> dict[str, Any]:
    """Close the case before acceptance, stating why."""
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        events = case.refuse(reason, now=runtime.clock.now(), by=principal.sub)
        await save_case(runtime, conn, case, events)
    return {"case_id": case_id, "status": case.status, "reason": reason.strip()}

"""Withdraw a case (撤回) before its decision: at once before acceptance, else via approval."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.contract import CaseWithdrawalRefused, CaseWithdrawalRequested, CaseWithdrawn
from libs.events.runtime import Runtime
from services.intake.application.common import case_row, load_case, save_case


async def withdraw_case(
    *, runtime: Runtime, case_id: str, principal: Principal, reason: str = ""
) -> dict[str, Any]:
    """Withdraw a case not yet accepted; ask approval to withdraw an accepted one.

    The status answered is `withdrawn`, or `withdrawal_requested` while approval, which alone
    knows whether a decision came first, has not answered (`case.withdrawn` or
    `case.withdrawal_refused`).
    """
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        outcome = (await case_row(conn, case_id))["outcome"]
        if outcome == "withdrawn":
            return {"case_id": case_id, "status": "withdrawn"}  # approval confirmed it already
        decided = outcome is not None
        events = case.withdraw(reason, now=runtime.clock.now(), by=principal.sub, decided=decided)
        await save_case(runtime, conn, case, events)
    first = events[0] if events else None
    stored = first.reason if isinstance(first, CaseWithdrawn | CaseWithdrawalRequested) else reason
    return {"case_id": case_id, "status": case.status, "reason": stored}


async def when_withdrawal_refused_reaccept(
    conn: AsyncConnection, runtime: Runtime, event: CaseWithdrawalRefused
) -> None:
    """Approval refused the withdrawal intake asked for: intake's case is accepted again."""
    case = await load_case(runtime, conn, event.case_id, None)
    now = runtime.clock.now()
    events = case.note_withdrawal_refused(event.reason, decision=event.decision, now=now)
    await save_case(runtime, conn, case, events)

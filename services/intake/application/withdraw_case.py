"""Withdraw a case (撤回) before its decision: at once before acceptance, else via approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import CaseWithdrawalRefused, CaseWithdrawalRequested, CaseWithdrawn
from services.intake.api.schemas import StatusRead
from services.intake.application.common import (
    IntakeTransaction,
    IntakeUnitOfWork,
    case_row,
    load_case,
    save_case,
)


@dataclass(frozen=True)
class WithdrawCase:
    """撤回 by the applicant (or a clerk for them), with an optional reason."""

    case_id: str
    principal: Principal
    reason: str = ""


async def withdraw_case(cmd: WithdrawCase, *, uow: IntakeUnitOfWork, clock: Clock) -> StatusRead:
    """Withdraw a case not yet accepted; ask approval to withdraw an accepted one.

    The status answered is `withdrawn`, or `withdrawal_requested` while approval, which alone
    knows whether a decision came first, has not answered (`case.withdrawn` or
    `case.withdrawal_refused`).
    """
    async with uow.begin() as tx:
        case = await load_case(tx, cmd.case_id, cmd.principal)
        outcome = (await case_row(tx, cmd.case_id)).outcome
        if outcome == "withdrawn":  # approval confirmed it already
            return StatusRead(case_id=cmd.case_id, status="withdrawn")
        events = case.withdraw(
            cmd.reason, now=clock.now(), by=cmd.principal.sub, decided=outcome is not None
        )
        await save_case(tx, case, events, now=clock.now())
    first = events[0] if events else None
    stored = (
        first.reason if isinstance(first, CaseWithdrawn | CaseWithdrawalRequested) else cmd.reason
    )
    return StatusRead(case_id=cmd.case_id, status=case.status, reason=stored)


async def when_withdrawal_refused_reaccept(
    tx: IntakeTransaction, event: CaseWithdrawalRefused, *, now: datetime
) -> None:
    """Approval refused the withdrawal intake asked for: intake's case is accepted again."""
    case = await load_case(tx, event.case_id, None)
    events = case.note_withdrawal_refused(event.reason, decision=event.decision, now=now)
    await save_case(tx, case, events, now=now)

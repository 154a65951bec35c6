"""Refuse to accept a case (不予受理) with its reason."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.intake.api.schemas import StatusRead
from services.intake.application.common import IntakeUnitOfWork, load_case, save_case


@dataclass(frozen=True)
class RefuseCase:
    """不予受理 by a clerk, with the (legal) reason."""

    case_id: str
    principal: Principal
    reason: str


async def refuse_case(cmd: RefuseCase, *, uow: IntakeUnitOfWork, clock: Clock) -> StatusRead:
    """Close the case before acceptance, stating why."""
    async with uow.begin() as tx:
        case = await load_case(tx, cmd.case_id, cmd.principal)
        events = case.refuse(cmd.reason, now=clock.now(), by=cmd.principal.sub)
        await save_case(tx, case, events, now=clock.now())
    return StatusRead(case_id=cmd.case_id, status=case.status, reason=cmd.reason.strip())

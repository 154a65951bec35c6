"""Accept a case (受理), optionally with non-key materials tolerated (容缺受理)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import CaseAccepted
from services.intake.api.schemas import AcceptRead
from services.intake.application.common import IntakeUnitOfWork, item_of, load_case, save_case
from services.intake.domain.acceptance import Acceptance


@dataclass(frozen=True)
class AcceptCase:
    """受理 by a clerk; `tolerated` and `supplement_by` (and `promise`) make it 容缺受理."""

    case_id: str
    principal: Principal
    tolerated: Sequence[str] = ()
    supplement_by: date | None = None
    promise: str = ""


async def accept_case(cmd: AcceptCase, *, uow: IntakeUnitOfWork, clock: Clock) -> AcceptRead:
    """Accept under the working-day rules; the limit starts now."""
    async with uow.begin() as tx:
        case = await load_case(tx, cmd.case_id, cmd.principal)
        item = await item_of(tx, case)
        acceptance = Acceptance(
            now=clock.now(),
            by=cmd.principal.sub,
            tolerated=cmd.tolerated,
            supplement_by=cmd.supplement_by,
            promise=cmd.promise,
        )
        [accepted] = case.accept(item, acceptance, await tx.calendar())
        await save_case(tx, case, [accepted], now=clock.now())
    assert isinstance(accepted, CaseAccepted)
    return AcceptRead(
        case_id=accepted.case_id,
        case_no=accepted.case_no,
        status="accepted",
        accepted_at=accepted.accepted_at,
        limit_days=accepted.limit_days,
        deadline=accepted.deadline,
        due_day=accepted.due_day,
        provisional=accepted.provisional,
        tolerated_missing=accepted.tolerated_missing,
        supplement_by=accepted.supplement_by,
        promise=accepted.promise,
    )

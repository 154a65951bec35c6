"""Supplement materials (补正) after a notice, or tolerated materials after acceptance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import CaseSupplemented, CaseSupplementRequested
from services.intake.api.schemas import SupplementRead
from services.intake.application.common import (
    IntakeUnitOfWork,
    item_of,
    load_case,
    notice,
    save_case,
)
from services.intake.application.who_may import judged_by_staff


@dataclass(frozen=True)
class SupplementCase:
    """Materials brought (and those the window found wrong, code -> why)."""

    case_id: str
    principal: Principal
    materials: Sequence[str]
    rejected: Mapping[str, str] = field(default_factory=dict)


async def supplement_case(
    cmd: SupplementCase, *, uow: IntakeUnitOfWork, clock: Clock
) -> SupplementRead:
    """Record the materials; answer with what is still missing (never more than first named)."""
    judged_by_staff(cmd.principal, cmd.rejected)
    async with uow.begin() as tx:
        case = await load_case(tx, cmd.case_id, cmd.principal)
        item = await item_of(tx, case)
        events = case.supplement(item, cmd.materials, cmd.rejected)
        await save_case(tx, case, events, now=clock.now())
    supplemented = next(e for e in events if isinstance(e, CaseSupplemented))
    requested = next((e for e in events if isinstance(e, CaseSupplementRequested)), None)
    return SupplementRead(
        case_id=cmd.case_id,
        status=case.status,
        materials=supplemented.materials,
        missing=supplemented.missing,
        notice_no=requested.notice_no if requested else None,
        notice=notice(item, requested.missing, requested.reasons) if requested else [],
    )

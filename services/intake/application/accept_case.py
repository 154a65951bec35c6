"""Accept a case (受理), optionally with non-key materials tolerated (容缺受理)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from libs.events.auth import Principal
from libs.events.contract import CaseAccepted
from libs.events.runtime import Runtime
from services.intake.application.common import item_of, load_case, save_case
from services.intake.domain.acceptance import Acceptance


async def accept_case(
    *,
    runtime: Runtime,
    case_id: str,
    principal: Principal,
    tolerated: Sequence[str] = (),
    supplement_by: date | None = None,
    promise: str = "",
) -> dict[str, Any]:
    """Accept under the working-day rules; the limit starts now."""
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        item = await item_of(conn, case)
        calendar = await runtime.calendar(conn)
        acceptance = Acceptance(
            now=runtime.clock.now(),
            by=principal.sub,
            tolerated=tolerated,
            supplement_by=supplement_by,
            promise=promise,
        )
        [accepted] = case.accept(item, acceptance, calendar)
        await save_case(runtime, conn, case, [accepted])
    assert isinstance(accepted, CaseAccepted)
    return _answer(accepted)


def _answer(accepted: CaseAccepted) -> dict[str, Any]:
    return {
        "case_id": accepted.case_id,
        "case_no": accepted.case_no,
        "status": "accepted",
        "accepted_at": accepted.accepted_at,
        "limit_days": accepted.limit_days,
        "deadline": accepted.deadline,
        "due_day": accepted.due_day,
        "provisional": accepted.provisional,
        "tolerated_missing": accepted.tolerated_missing,
        "supplement_by": accepted.supplement_by,
        "promise": accepted.promise,
    }

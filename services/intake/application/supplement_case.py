"""Supplement materials (补正) after a notice, or tolerated materials after acceptance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from libs.events.auth import Principal
from libs.events.contract import CaseSupplemented, CaseSupplementRequested
from libs.events.runtime import Runtime
from services.intake.application.common import item_of, load_case, notice, save_case


async def supplement_case(
    *,
    runtime: Runtime,
    case_id: str,
    principal: Principal,
    materials: Sequence[str],
    rejected: Mapping[str, str],
) -> dict[str, Any]:
    """Record the materials; answer with what is still missing (never more than first named)."""
    async with runtime.transaction() as conn:
        case = await load_case(runtime, conn, case_id, principal)
        item = await item_of(conn, case)
        events = case.supplement(item, materials, rejected)
        await save_case(runtime, conn, case, events)
    supplemented = next(e for e in events if isinstance(e, CaseSupplemented))
    requested = next((e for e in events if isinstance(e, CaseSupplementRequested)), None)
    return {
        "case_id": case_id,
        "status": case.status,
        "materials": supplemented.materials,
        "missing": supplemented.missing,
        "notice_no": requested.notice_no if requested else None,
        "notice": notice(item, requested.missing, requested.reasons) if requested else [],
    }

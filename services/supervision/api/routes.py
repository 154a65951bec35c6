"""Supervision HTTP API."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from libs.events.auth import Principal, Role, can_see_center, require
from libs.events.http import Problem
from libs.events.runtime import Runtime
from services.supervision.adapters.tables import supervised_cases as t

router = APIRouter(prefix="/v1", tags=["supervision"])
Watcher = Annotated[Principal, Depends(require(Role.supervisor, Role.admin, Role.integrator))]


@router.get("/cases/{case_id}")
async def get_case(case_id: str, request: Request, principal: Watcher) -> dict[str, Any]:
    """A case as supervision sees it: status, item, department, deadline."""
    runtime: Runtime = request.app.state.runtime
    async with runtime.engine.connect() as conn:
        row = (await conn.execute(select(t).where(t.c.case_id == case_id))).mappings().first()
    if row is None or not can_see_center(principal, row["center"]):
        raise Problem(404, f"case {case_id} is not known to supervision")
    return dict(row)

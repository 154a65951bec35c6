"""Linkage HTTP API."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from libs.events.auth import Principal, Role, require
from libs.events.db import outbox
from libs.events.runtime import Runtime
from services.linkage.adapters.tables import links

router = APIRouter(prefix="/v1", tags=["linkage"])
Operator = Annotated[Principal, Depends(require(Role.admin, Role.supervisor, Role.integrator))]


@router.get("/links")
async def list_links(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Each upstream and downstream center link: state, backlog, last delivery."""
    runtime: Runtime = request.app.state.runtime
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(select(links).order_by(links.c.center))).mappings().all()
        backlog = (
            await conn.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))
        ).scalar_one()
    broker = (await runtime.readiness())["broker"]
    state = "up" if broker == "ok" else "down"
    known = {r["center"]: dict(r) for r in rows}
    parent = runtime.settings.parent_center
    if parent and parent not in known:
        known[parent] = {
            "center": parent,
            "direction": "upstream",
            "delivered": 0,
            "last_event": None,
            "last_delivery_at": None,
        }
    return [{**link, "state": state, "backlog": backlog} for link in known.values()]

"""Linkage HTTP API: the links of this center, and its public link key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from libs.events.auth import Principal, Role, require
from libs.events.instants import BeijingRoute
from services.linkage.adapters.keys import public_pem
from services.linkage.api.schemas import Deliveries, LinkKeyRead, LinkRead
from services.linkage.application.context import Linkage
from services.linkage.application.link_status import measured_links
from services.linkage.domain.links import age_s, down_for, state_at

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["linkage"])
Operator = Annotated[Principal, Depends(require(Role.admin, Role.supervisor, Role.integrator))]


def _linkage(request: Request) -> Linkage:
    linkage: Linkage = request.app.state.linkage
    return linkage


Ctx = Annotated[Linkage, Depends(_linkage)]


@router.get("/links")
async def list_links(lk: Ctx, _: Operator) -> list[LinkRead]:
    """Each upstream and downstream link: measured state, backlog, last deliveries, last error."""
    async with lk.runtime.engine.connect() as conn:
        measured = await measured_links(conn, lk)
    now, after = lk.now(), lk.settings.link_down_after_seconds
    return [
        LinkRead(
            center=link.center,
            direction=link.direction,
            state=state_at(link, now, down_after=after),
            backlog=link.backlog,
            oldest_undelivered_age_s=age_s(link.oldest_undelivered_at, now),
            last_delivery_at=Deliveries(up=link.delivered_up_at, down=link.delivered_down_at),
            last_contact_at=link.last_contact_at,
            down_for_s=round(down_for(link, now, down_after=after), 3),
            last_error=link.last_error,
            last_error_at=link.last_error_at,
        )
        for link in measured
    ]


@router.get("/links/key")
async def link_key(lk: Ctx) -> LinkKeyRead:
    """This center's public link key (no token needed: it is public)."""
    return LinkKeyRead(center=lk.center, public_key_pem=public_pem(lk.keys.private.public_key()))

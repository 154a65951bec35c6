"""Linkage HTTP API: the links of this center, and its public link key."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from libs.events.instants import BeijingRoute
from services.linkage.adapters.keys import public_pem
from services.linkage.api.deps import AppDep, Operator
from services.linkage.api.schemas import Deliveries, LinkKeyRead, LinkRead
from services.linkage.application import link_status
from services.linkage.domain.links import Measured, age_s, down_for, state_at

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["linkage"])


@router.get("/links")
async def list_links(app: AppDep, _: Operator) -> list[LinkRead]:
    """Each upstream and downstream link: measured state, backlog, last deliveries, last error."""
    node = app.node
    measured = await link_status.list_links(uow=app.uow, node=node)
    return [_read(link, node.now(), app.settings.link_down_after_seconds) for link in measured]


def _read(link: Measured, now: datetime, after: float) -> LinkRead:
    return LinkRead(
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


@router.get("/links/key")
async def link_key(app: AppDep) -> LinkKeyRead:
    """This center's public link key (no token needed: it is public)."""
    return LinkKeyRead(
        center=app.settings.center_code, public_key_pem=public_pem(app.keys.private.public_key())
    )

"""One case as supervision sees it: facts, light, and the ledger that explains the light."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from libs.events.instants import BeijingRoute
from services.supervision.api.deps import Anyone, SupervisionDep, Viewer
from services.supervision.api.schemas import CaseLightRead
from services.supervision.application.case_view import (
    case_lights,
    light_body,
    timeline,
    visible_case,
)
from services.supervision.application.light_views import shared_status

router = APIRouter(route_class=BeijingRoute, prefix="/v1/cases", tags=["cases"])
PRIVATE = frozenset({"applicant_id"})  # kept only to recognise the applicant; never shown


@router.get("/{case_id}")
async def get_case(case_id: str, principal: Viewer, sv: SupervisionDep) -> dict[str, Any]:
    """A case as supervision sees it: status, item, department, deadline, outcome."""
    async with sv.engine.connect() as conn:
        case = await visible_case(sv, conn, case_id, principal)
    return {**{k: v for k, v in case.items() if k not in PRIVATE}, **shared_status(case)}


@router.get("/{case_id}/light", response_model=CaseLightRead)
async def get_case_light(case_id: str, principal: Anyone, sv: SupervisionDep) -> dict[str, Any]:
    """The case's light now: colour, deadline, remaining working days; joint parts and stage."""
    async with sv.engine.connect() as conn:
        case = await visible_case(sv, conn, case_id, principal)
        cal = await sv.calendars.get(conn)
        views = await case_lights(conn, case, sv.clock.now(), cal)
    return light_body(case, views)


@router.get("/{case_id}/timeline")
async def get_case_timeline(case_id: str, principal: Anyone, sv: SupervisionDep) -> dict[str, Any]:
    """Why is this colour? Acceptance, pauses, extensions, calendar changes and rungs in Chinese."""
    async with sv.engine.connect() as conn:
        case = await visible_case(sv, conn, case_id, principal)
        cal = await sv.calendars.get(conn)
        return await timeline(sv, conn, case, sv.clock.now(), cal)

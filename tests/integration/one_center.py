"""Intake, approval and supervision of one center on one clock, for tests that follow a case
through all three services (the races of one case clock, withdrawal and the status words)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from libs.events.clock import FixedClock
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from services.supervision.config import Settings as SupervisionSettings
from services.supervision.main import create as create_supervision
from tests.integration.approval.harness import Node, admin, approval_settings, running
from tests.support.services import bearer, serve, settings_for

LAND_ITEM = {
    "name": "建设工程规划许可证核发",
    "department": "land",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [{"code": "APPLY", "name": "申请书", "required": True, "key": True}],
}
CLERK = bearer("clerk", sub="clerk-1", center="350500", department="land")
SUPERVISOR = bearer("supervisor", sub="sup-1", center="350500")


@asynccontextmanager
async def one_center(
    databases: Any, broker: Any, tmp_path: Path, clock: FixedClock, item_code: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Node, httpx.AsyncClient]]:
    """(intake, approval, supervision) sharing topics and `clock`, `item_code` in the catalogue."""
    settings = await approval_settings(databases, broker, tmp_path)
    prefix = settings.kafka_topic_prefix
    intake_settings = await settings_for(IntakeSettings, databases, broker, prefix=prefix)
    supervision_settings = await settings_for(SupervisionSettings, databases, broker, prefix=prefix)
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        serve(lambda s: create_supervision(s, clock=clock), supervision_settings) as sv,
        running(settings, clock=clock) as approval,
    ):
        put = await intake.put(f"/v1/catalog/items/{item_code}", json=LAND_ITEM, headers=admin())
        assert put.status_code == 201, put.text
        yield intake, approval, sv

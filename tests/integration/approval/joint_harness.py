"""Intake, approval and supervision together, running projects' stages (并联审批) over HTTP."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from libs.events.clock import FixedClock
from services.approval.adapters import joint_store
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from tests.integration.approval.harness import CENTER, Node, admin, approval_settings, running
from tests.integration.supervision.harness import Service, settings_for_supervision
from tests.integration.supervision.harness import running as running_supervision
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

SEED = Path(__file__).parents[3] / "services" / "intake" / "seed" / "catalog.json"
ITEMS = {item["code"]: item for item in json.loads(SEED.read_text(encoding="utf-8"))["items"]}
AGENT = "agent-1"
APPLICANT = {
    "name": "泉州某建设发展有限公司",
    "id_type": "enterprise",
    "id_no": "91350100M000100Y43",
    "phone": "13900000009",
}


def agent() -> dict[str, str]:
    """The center's 全程代办 agent."""
    return bearer("clerk", sub=AGENT, center=CENTER)


def member(role: str, department: str) -> dict[str, str]:
    """rev-<department> or app-<department>, or a clerk of the department."""
    sub = {"reviewer": "rev", "approver": "app", "clerk": "clerk"}[role]
    return bearer(role, sub=f"{sub}-{department}", center=CENTER, department=department)


@dataclass
class Trio:
    """The three services, sharing a broker prefix and one fixed clock."""

    intake: httpx.AsyncClient
    approval: Node
    supervision: Service
    clock: FixedClock

    async def publish_items(self, *codes: str) -> None:
        """Publish the seed's joint items and wait until approval knows them."""
        for code in codes:
            body = {k: v for k, v in ITEMS[code].items() if k != "code"}
            put = await self.intake.put(f"/v1/catalog/items/{code}", json=body, headers=admin())
            assert put.status_code in (200, 201), put.text
        # A case accepted before approval knows its joint item waits for it (test_waits_for_item).
        await eventually(lambda: self._known(codes))

    async def _known(self, codes: tuple[str, ...]) -> bool:
        async with self.approval.engine.connect() as conn:
            for code in codes:
                if await joint_store.joint_item_of(conn, code) is None:
                    return False
        return True

    async def define_series(self, code: str, name: str, items: list[str]) -> None:
        """The series and its stages, each run by one seed item."""
        stages = [
            {"code": f"S{n}", "name": ITEMS[i]["name"].split("：")[-1], "item_code": i}
            for n, i in enumerate(items, start=1)
        ]
        put = await self.approval.client.put(
            f"/v1/project-series/{code}", json={"name": name, "stages": stages}, headers=admin()
        )
        assert put.status_code == 200, put.text

    async def new_project(self, series: str, name: str) -> str:
        """A project handled by the agent; its id."""
        body = {"series": series, "name": name, "applicant_name": APPLICANT["name"], "agent": AGENT}
        created = await self.approval.client.post("/v1/projects", json=body, headers=admin())
        assert created.status_code == 201, created.text
        return str(created.json()["project_id"])

    async def file_stage(self, project_id: str, code: str, **extra: Any) -> str:
        """The agent files the stage's case at intake and names it as the project's next stage."""
        materials = [m["code"] for m in ITEMS[code]["materials"]]
        body = {"item_code": code, "applicant": APPLICANT, "materials": materials}
        filed = await self.intake.post("/v1/cases", json=body, headers=agent())
        assert filed.status_code == 201, filed.text
        case_id = str(filed.json()["case_id"])

        async def started() -> httpx.Response | None:
            answer = await self.approval.client.post(
                f"/v1/projects/{project_id}/stages",
                json={"case_id": case_id, **extra},
                headers=agent(),
            )
            return None if answer.status_code == 404 else answer  # filing not seen yet

        answer = await eventually(started)
        assert answer.status_code == 200, answer.text
        return case_id

    async def accept(self, case_id: str, code: str) -> dict[str, Any]:
        """牵头受理 at the lead's window; waits until every part started in approval."""
        lead = ITEMS[code]["lead_department"]
        accepted = await self.intake.post(
            f"/v1/cases/{case_id}/accept", json={}, headers=member("clerk", lead)
        )
        assert accepted.status_code == 200, accepted.text
        return await eventually(lambda: self.case(case_id, lead))

    async def case(self, case_id: str, department: str) -> dict[str, Any] | None:
        """Approval's view of the case as one of its departments sees it, once started."""
        found = await self.approval.client.get(
            f"/v1/cases/{case_id}", headers=member("reviewer", department)
        )
        body: dict[str, Any] = found.json()
        return body if found.status_code == 200 and body.get("joint") else None

    async def decide_part(
        self, case_id: str, department: str, decision: str = "approved", at: datetime | None = None
    ) -> dict[str, Any]:
        """一审 by the department's reviewer, 一核 by its approver."""
        if at is not None:
            self.clock.set(at)
        path = f"/v1/cases/{case_id}"
        reviewed = await self.approval.client.post(
            f"{path}/review", json={"opinion": "approve"}, headers=member("reviewer", department)
        )
        assert reviewed.status_code == 200, reviewed.text
        reasons = "" if decision == "approved" else "不符合消防技术标准"
        decided = await self.approval.client.post(
            f"{path}/decide",
            json={"decision": decision, "reasons": reasons},
            headers=member("approver", department),
        )
        assert decided.status_code == 200, decided.text
        body: dict[str, Any] = decided.json()
        return body

    async def project(self, project_id: str) -> dict[str, Any]:
        """`GET /v1/projects/{id}`."""
        found = await self.approval.client.get(f"/v1/projects/{project_id}", headers=admin())
        assert found.status_code == 200, found.text
        body: dict[str, Any] = found.json()
        return body


@contextlib.asynccontextmanager
async def trio(databases: Any, broker: Any, tmp_path: Path, start: datetime) -> AsyncIterator[Trio]:
    """Intake, approval and supervision on their own databases and one topic prefix."""
    settings = await approval_settings(databases, broker, tmp_path)
    prefix = settings.kafka_topic_prefix
    intake_settings = await settings_for(IntakeSettings, databases, broker, prefix=prefix)
    supervision_settings = await settings_for_supervision(databases, broker, prefix)
    clock = FixedClock(start)
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        running(settings, clock=clock) as approval,
        running_supervision(supervision_settings, clock) as supervision,
    ):
        yield Trio(intake, approval, supervision, clock)

"""A December 2026 case: a provisional deadline, an extension, then the 2027 schedule is loaded."""

from __future__ import annotations

from datetime import datetime

import pytest

from libs.events.clock import SHANGHAI, FixedClock
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from tests.integration.approval.harness import admin, approval_settings, running, staff
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

pytestmark = pytest.mark.integration

ITEM = {
    "name": "建设工程规划许可证核发",
    "department": "land",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [{"code": "APPLY", "name": "申请书", "required": True, "key": True}],
}
APPLICANT = {
    "name": "王五",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13900000003",
}
YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01"], "workdays": []}


async def test_approval_follows_the_official_2027_deadline_keeping_its_extension(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    intake_settings = await settings_for(
        IntakeSettings, databases, broker, prefix=settings.kafka_topic_prefix
    )
    clock = FixedClock(datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI))
    clerk = bearer("clerk", sub="clerk-1", center="350500", department="land")
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        running(settings, clock=clock) as approval,
    ):
        assert (
            await intake.put("/v1/catalog/items/LAND-02", json=ITEM, headers=admin())
        ).status_code == 201
        case_id = (
            await intake.post(
                "/v1/cases",
                headers=clerk,
                json={"item_code": "LAND-02", "applicant": APPLICANT, "materials": ["APPLY"]},
            )
        ).json()["case_id"]
        accepted = (await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=clerk)).json()
        # Ten working days after Thursday 24 December by the Monday–Friday rule: 7 January.
        assert (accepted["due_day"], accepted["provisional"]) == ("2027-01-07", True)
        await eventually(lambda: _work_due(approval, case_id, "2027-01-07"))
        extended = await approval.client.post(
            f"/v1/cases/{case_id}/extend",
            json={"days": 2, "reason": "现场核查"},
            headers=staff("approver", "app-a"),
        )
        assert extended.status_code == 200, extended.text
        await eventually(lambda: _intake_due(intake, case_id, clerk, "2027-01-11"))

        loaded = await intake.put("/v1/calendar/2027", json=YEAR_2027, headers=admin())
        assert loaded.status_code == 200, loaded.text
        # New Year's Day is off: the tenth working day is 8 January, the extension adds two.
        work = await eventually(lambda: _work_due(approval, case_id, "2027-01-12"))
    assert work["provisional"] is False


async def _work_due(node, case_id: str, day: str):
    got = await node.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return got.json() if got.status_code == 200 and got.json()["due_day"] == day else None


async def _intake_due(intake, case_id: str, clerk, day: str) -> bool:
    got = await intake.get(f"/v1/cases/{case_id}", headers=clerk)
    return got.json().get("due_day") == day

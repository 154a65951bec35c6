"""The whole path: intake accepts, approval reviews and decides, the applicant is told."""

from __future__ import annotations

import pytest

from libs.events.clock import FixedClock
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from tests.integration.approval.harness import (
    MONDAY,
    admin,
    approval_settings,
    names,
    running,
    staff,
    topic_events,
)
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

pytestmark = pytest.mark.integration

ITEM = {
    "name": "建设用地规划许可证核发",
    "department": "land",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 5,
    "materials": [
        {"code": "APPLY", "name": "申请书", "required": True, "key": True},
        {"code": "MAP", "name": "红线图", "required": True, "key": True},
    ],
    "deemed_approval": False,
}
APPLICANT = {
    "name": "李四",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13900000002",
}


async def test_intake_to_approval_to_decision_to_delivery(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    intake_settings = await settings_for(
        IntakeSettings, databases, broker, prefix=settings.kafka_topic_prefix
    )
    clock = FixedClock(MONDAY)
    clerk = bearer("clerk", sub="clerk-1", center="350500", department="land")
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        running(settings, clock=clock) as approval,
    ):
        published = await intake.put("/v1/catalog/items/LAND-01", json=ITEM, headers=admin())
        assert published.status_code in (200, 201), published.text
        received = await intake.post(
            "/v1/cases",
            json={"item_code": "LAND-01", "applicant": APPLICANT, "materials": ["APPLY", "MAP"]},
            headers=clerk,
        )
        assert received.status_code == 201, received.text
        case_id, case_no = received.json()["case_id"], received.json()["case_no"]
        accepted = await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=clerk)
        assert accepted.status_code == 200, accepted.text

        work = await eventually(lambda: _work(approval, case_id))
        assert (work["case_no"], work["item_name"], work["due_day"]) == (
            case_no,
            ITEM["name"],
            accepted.json()["due_day"],
        )
        reviewed = await approval.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve", "comment": "材料齐全"},
            headers=staff("reviewer", "rev-a"),
        )
        assert reviewed.status_code == 200, reviewed.text
        decided = await approval.client.post(
            f"/v1/cases/{case_id}/decide",
            json={"decision": "approved", "reasons": "符合规划条件"},
            headers=staff("approver", "app-a"),
        )
        assert decided.status_code == 200, decided.text

        sealed = (
            await approval.client.get(
                f"/v1/cases/{case_id}/decision", headers=staff("approver", "app-a")
            )
        ).json()
        assert sealed["document"]["applicant"] == "李四"
        verdict = await approval.client.post(
            "/v1/seals/verify", json={k: sealed[k] for k in ("document", "pdf", "seal")}
        )
        assert verdict.json()["genuine"] is True

        await eventually(lambda: _sent(approval))
        [message] = approval.sink.sent
        assert message.to == "13900000002" and case_no in message.text
        events = await eventually(lambda: _delivered(settings, case_id))
    assert names(events)[:2] == ["case.submitted", "case.accepted"]
    assert names(events)[-4:] == [
        "work.assigned",
        "case.decided",
        "case.decision_issued",
        "case.delivered",
    ]


async def _work(node, case_id: str):
    response = await node.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return response.json() if response.status_code == 200 else None


async def _sent(node) -> bool:
    return bool(node.sink.sent)


async def _delivered(settings, case_id: str):
    events = await topic_events(settings, subject=case_id)
    return events if "case.delivered" in names(events) else None

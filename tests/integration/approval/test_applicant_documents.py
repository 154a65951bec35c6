"""What the applicant meets: names (not codes) on the receipt and the decision, the denial's
remedies, the pause notice of art. 45, the notices visible to staff, and the decision document
downloaded with a token (own case) or by case number and query code, its seal verified."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from libs.events import org
from libs.events.clock import FixedClock
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from tests.integration.approval.harness import (
    MONDAY,
    Node,
    admin,
    approval_settings,
    running,
    staff,
)
from tests.integration.approval.test_full_path import APPLICANT, ITEM
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

pytestmark = pytest.mark.integration
APPLICANT_TOKEN = bearer("applicant", sub="wx-openid-42", center=None)
STRANGER = bearer("applicant", sub="wx-openid-99", center=None)
CLERK = bearer("clerk", sub="clerk-1", center="350500", department="land")


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def name_the_organisation(intake: httpx.AsyncClient, approval: Node) -> None:
    center = await intake.put(
        "/v1/org/center", json={"name": "泉州市行政服务中心"}, headers=admin()
    )
    assert center.status_code == 201, center.text
    land = await intake.put(
        "/v1/org/departments/land", json={"name": "自然资源局"}, headers=admin()
    )
    assert land.status_code == 201, land.text
    again = await intake.put(
        "/v1/org/departments/land", json={"name": "自然资源局"}, headers=admin()
    )
    assert again.status_code == 200  # unchanged: no new event
    assert (await intake.get("/v1/org")).json()["departments"] == [
        {"code": "land", "name": "自然资源局"}
    ]

    async def approval_knows() -> bool:
        async with approval.engine.connect() as conn:
            known = await org.names(conn)
        return known.department("350500", "land") == "自然资源局" and bool(known.centers)

    await eventually(approval_knows)


async def submitted_and_accepted(intake: httpx.AsyncClient) -> dict[str, Any]:
    item = {**ITEM, "online": True}
    await intake.put("/v1/catalog/items/LAND-01", json=item, headers=admin())
    body = {
        "item_code": "LAND-01",
        "applicant": APPLICANT,
        "materials": ["APPLY", "MAP"],
        "channel": "online",
    }
    received = await intake.post("/v1/cases", json=body, headers=APPLICANT_TOKEN)
    assert received.status_code == 201, received.text
    case = received.json()
    accepted = await intake.post(f"/v1/cases/{case['case_id']}/accept", json={}, headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    receipt = await intake.get(f"/v1/cases/{case['case_id']}/receipt.pdf", headers=CLERK)
    printed = text_of(receipt.content)
    assert "泉州市行政服务中心" in printed and "自然资源局" in printed
    assert "（350500）" not in printed
    return dict(case)


async def pause_for_a_hearing(approval: Node, case_id: str) -> None:
    reviewer = staff("reviewer", "rev-a")
    silent = await approval.client.post(
        f"/v1/cases/{case_id}/suspend", json={"procedure": "hearing"}, headers=reviewer
    )
    assert silent.status_code == 422 and silent.json()["rule"] == (
        "SpecialProcedureStatesItsDuration"
    )
    body = {"procedure": "hearing", "reason": "涉及相邻权利人重大利益", "expected_days": 5}
    paused = await approval.client.post(f"/v1/cases/{case_id}/suspend", json=body, headers=reviewer)
    assert paused.status_code == 200, paused.text
    assert paused.json()["suspended"]["expected_until"] == "2026-03-09"
    [notice] = paused.json()["notices"]
    assert notice["kind"] == "suspension" and notice["to"] == "139****0002"
    assert "听证" in notice["text"] and "5个工作日" in notice["text"]
    resumed = await approval.client.post(f"/v1/cases/{case_id}/resume", headers=reviewer)
    assert resumed.status_code == 200, resumed.text


async def denied(approval: Node, case_id: str) -> None:
    reviewed = await approval.client.post(
        f"/v1/cases/{case_id}/review", json={"opinion": "deny"}, headers=staff("reviewer", "rev-a")
    )
    assert reviewed.status_code == 200, reviewed.text
    decided = await approval.client.post(
        f"/v1/cases/{case_id}/decide",
        json={"decision": "denied", "reasons": "拟建项目用地性质与控制性详细规划不符"},
        headers=staff("approver", "app-a"),
    )
    assert decided.status_code == 200, decided.text


async def test_the_applicant_gets_and_verifies_the_decision(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    intake_settings = await settings_for(
        IntakeSettings, databases, broker, prefix=settings.kafka_topic_prefix
    )
    clock = FixedClock(MONDAY)
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        running(settings, clock=clock) as approval,
    ):
        await name_the_organisation(intake, approval)
        case = await submitted_and_accepted(intake)
        case_id, case_no, code = case["case_id"], case["case_no"], case["query_code"]

        async def work() -> bool:
            found = await approval.client.get(f"/v1/cases/{case_id}", headers=admin())
            return found.status_code == 200

        await eventually(work)
        await pause_for_a_hearing(approval, case_id)
        await denied(approval, case_id)

        own = await approval.client.get(f"/v1/cases/{case_id}/decision", headers=APPLICANT_TOKEN)
        assert own.status_code == 200, own.text
        sealed = own.json()
        assert sealed["document"]["department_name"] == "自然资源局"
        other = await approval.client.get(f"/v1/cases/{case_id}/decision", headers=STRANGER)
        assert other.status_code == 404
        pdf = await approval.client.get(
            f"/v1/cases/{case_id}/decision.pdf", headers=APPLICANT_TOKEN
        )
        printed = text_of(pdf.content)
        assert "不予行政许可决定书" in printed and "行政复议" in printed and "六个月" in printed
        assert "自然资源局" in printed and "2026年3月2日" in printed

        async def published() -> dict[str, Any] | None:
            found = await intake.get(f"/v1/public/cases/{case_no}/decision", params={"code": code})
            return found.json() if found.status_code == 200 else None

        public = await eventually(published)
        verdict = await approval.client.post(
            "/v1/seals/verify", json={k: public[k] for k in ("document", "pdf", "seal")}
        )
        assert verdict.json()["genuine"] is True
        wrong = await intake.get(f"/v1/public/cases/{case_no}/decision", params={"code": "XXXXXX"})
        assert wrong.status_code == 404
        public_pdf = await intake.get(
            f"/v1/public/cases/{case_no}/decision.pdf", params={"code": code}
        )
        assert public_pdf.content == base64.b64decode(sealed["pdf"])
        lookup = await intake.get(f"/v1/public/cases/{case_no}", params={"code": code})
        assert lookup.json()["department_name"] == "自然资源局"
        assert lookup.json()["center_name"] == "泉州市行政服务中心"

        check = await approval.client.get(sealed["document"]["verify_url"].split("8002", 1)[1])
        assert check.json()["genuine"] is True and check.json()["applicant"] == "李*"

        async def both_sent() -> list[dict[str, Any]] | None:
            found = (await approval.client.get(f"/v1/cases/{case_id}", headers=admin())).json()
            notices = found["notices"]
            return notices if len(notices) == 2 and all(n["sent_at"] for n in notices) else None

        pause_notice, decision_notice = await eventually(both_sent)
        assert decision_notice["kind"] == "decision" and case_no in decision_notice["text"]
        assert decision_notice["to"] == "139****0002"

"""The acceptance receipt as PDF and the public lookup by case number and query code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.intake.harness import CLERK, Intake
from tests.support.services import bearer
from tests.unit.intake.test_receipt_pdf import pdf_text

pytestmark = pytest.mark.integration


async def test_the_receipt_prints_case_number_query_code_materials_and_deadline(
    intake: Intake,
) -> None:
    await intake.publish_item()
    created = await intake.submit(["APP", "LIC", "LAY"])
    case_id = created["case_id"]
    early = await intake.http.get(f"/v1/cases/{case_id}/receipt.pdf", headers=CLERK)
    assert early.status_code == 409 and early.json()["rule"] == "CaseNotAccepted"
    await intake.http.post(
        f"/v1/cases/{case_id}/accept",
        json={
            "tolerated_missing": ["HLT"],
            "supplement_by": "2026-12-02",
            "promise": "我承诺按期补齐",
        },
        headers=CLERK,
    )
    response = await intake.http.get(f"/v1/cases/{case_id}/receipt.pdf", headers=CLERK)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert created["case_no"] in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for expected in (
        "受理回执",
        "350500",
        "食品经营许可",
        created["case_no"],
        created["query_code"],
        "食品经营许可申请书",
        "经营场所平面布局图",
        "从业人员健康证明",
        "我承诺按期补齐",
        "2026年12月09日",
    ):
        assert expected in text, expected


async def test_the_public_lookup_answers_only_with_the_right_code(intake: Intake) -> None:
    await intake.publish_item()
    created = await intake.submit(["APP", "LIC", "LAY", "HLT"])
    case_no, code = created["case_no"], created["query_code"]
    await intake.http.post(f"/v1/cases/{created['case_id']}/accept", headers=CLERK)
    found = await intake.http.get(f"/v1/public/cases/{case_no}", params={"code": code.lower()})
    assert found.status_code == 200
    body = found.json()
    assert body["status"] == "accepted" and body["status_zh"] == "已受理"
    assert body["due_day"] == "2026-12-09" and "applicant" not in body
    wrong = await intake.http.get(f"/v1/public/cases/{case_no}", params={"code": "AAAAAA"})
    assert wrong.status_code == 404
    unknown = await intake.http.get("/v1/public/cases/35050020261125999999", params={"code": code})
    assert unknown.status_code == 404 and unknown.json()["detail"] == wrong.json()[
        "detail"
    ].replace(case_no, "35050020261125999999")
    missing = await intake.http.get(f"/v1/public/cases/{case_no}")
    assert missing.status_code == 422


async def test_guessing_query_codes_is_rate_limited(intake: Intake) -> None:
    await intake.publish_item()
    created = await intake.submit(["APP"])
    other = await intake.submit(["APP"])
    case_no, code = created["case_no"], created["query_code"]
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
        response = await intake.http.get(f"/v1/public/cases/{case_no}", params={"code": guess})
        assert response.status_code == 404
    blocked = await intake.http.get(f"/v1/public/cases/{case_no}", params={"code": code})
    assert blocked.status_code == 429 and blocked.json()["rule"] == "LookupRateLimited"
    assert 0 < int(blocked.headers["Retry-After"]) <= 600
    elsewhere = await intake.http.get(
        f"/v1/public/cases/{other['case_no']}", params={"code": other["query_code"]}
    )
    assert elsewhere.status_code == 200
    intake.clock.advance(timedelta(minutes=10, seconds=1))
    later = await intake.http.get(f"/v1/public/cases/{case_no}", params={"code": code})
    assert later.status_code == 200 and later.json()["status"] == "awaiting_supplement"


async def test_the_applicant_prints_their_own_receipt_but_not_anothers(intake: Intake) -> None:
    await intake.publish_item()
    alice = bearer("applicant", sub="alice", center=None)
    created = await intake.submit(["APP", "LIC", "LAY", "HLT"], headers=alice)
    await intake.http.post(f"/v1/cases/{created['case_id']}/accept", headers=CLERK)
    own = await intake.http.get(f"/v1/cases/{created['case_id']}/receipt.pdf", headers=alice)
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    bob = bearer("applicant", sub="bob", center=None)
    other = await intake.http.get(f"/v1/cases/{created['case_id']}/receipt.pdf", headers=bob)
    assert other.status_code == 404

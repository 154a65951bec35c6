"""A case through intake over HTTP, with the CloudEvents it leaves on `case-events`."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.integration.intake.harness import ADMIN, APPLICANT, CLERK, ITEM, Intake, types
from tests.support.services import bearer

pytestmark = pytest.mark.integration


async def test_receipt_notice_supplement_and_tolerated_acceptance(intake: Intake) -> None:
    await intake.publish_item()
    created = await intake.submit(
        ["APP", "LIC", "AUTH"], rejected=[{"code": "LIC", "reason": "已过期"}]
    )
    assert created["status"] == "awaiting_supplement"
    assert created["missing"] == ["LIC", "LAY", "HLT"]
    assert [(n["code"], n["reason"]) for n in created["notice"]][0] == ("LIC", "已过期")
    assert created["case_no"] == "35050020261125000001" and len(created["query_code"]) == 6
    case_id = created["case_id"]

    supplemented = await intake.http.post(
        f"/v1/cases/{case_id}/supplements", json={"materials": ["LIC", "LAY"]}, headers=CLERK
    )
    assert supplemented.status_code == 200, supplemented.text
    assert supplemented.json()["missing"] == ["HLT"] and supplemented.json()["notice_no"] == 2

    accepted = await intake.http.post(
        f"/v1/cases/{case_id}/accept",
        json={"tolerated_missing": ["HLT"], "supplement_by": "2026-12-02"},
        headers=CLERK,
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted" and body["due_day"] == "2026-12-09"
    assert body["deadline"].startswith("2026-12-09T23:59:59") and body["provisional"] is False

    events = await intake.case_events(case_id, 5)
    assert types(events) == [
        "case.submitted",
        "case.supplement_requested",
        "case.supplemented",
        "case.supplement_requested",
        "case.accepted",
    ]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert all(e.source == "/centers/350500/intake" and e.center == "350500" for e in events)
    submitted, first, _, second, acceptance = (e.data for e in events)
    assert submitted["item_code"] == "SCJG-003" and submitted["item_version"] == 1
    assert submitted["department"] == "SCJG" and submitted["kind"] == "promised"
    assert submitted["channel"] == "window" and submitted["submitted_by"] == "clerk-1"
    assert "query_code" not in submitted  # the query code never leaves intake
    assert set(second["missing"]) < set(first["missing"])
    assert (
        acceptance["tolerated_missing"] == ["HLT"] and acceptance["supplement_by"] == "2026-12-02"
    )
    assert acceptance["due_day"] == "2026-12-09" and acceptance["limit_days"] == 10
    assert acceptance["item_version"] == 1 and acceptance["channel"] == "window"
    assert acceptance["promise"]

    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert case["status"] == "accepted" and case["tolerated_missing"] == ["HLT"]
    assert case["deadline"] == body["deadline"] == "2026-12-09T23:59:59+08:00"  # one form
    assert [h["type"] for h in case["history"]][-1] == "onewindow.case.accepted.v1"


async def test_idempotency_key_returns_the_same_case_or_422(intake: Intake) -> None:
    await intake.publish_item()
    body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": ["APP"]}
    keyed = {**CLERK, "Idempotency-Key": "window-3-0001"}
    first = await intake.http.post("/v1/cases", json=body, headers=keyed)
    again = await intake.http.post("/v1/cases", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"
    other = await intake.http.post(
        "/v1/cases", json={**body, "materials": ["APP", "LIC"]}, headers=keyed
    )
    assert other.status_code == 422 and other.json()["rule"] == "IdempotencyKeyReused"
    elsewhere = {**bearer("clerk", sub="clerk-2"), "Idempotency-Key": "window-3-0001"}
    theirs = await intake.http.post("/v1/cases", json=body, headers=elsewhere)
    assert theirs.status_code == 201 and theirs.json()["case_id"] != first.json()["case_id"]
    mine = (await intake.http.get("/v1/cases", headers=CLERK)).json()
    assert len(mine) == 2  # the replay created nothing


async def test_concurrent_retries_with_one_key_create_one_case(intake: Intake) -> None:
    await intake.publish_item()
    body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": ["APP"]}
    keyed = {**CLERK, "Idempotency-Key": "burst"}
    answers = await asyncio.gather(
        *[intake.http.post("/v1/cases", json=body, headers=keyed) for _ in range(5)]
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["case_id"] for a in answers}) == 1


async def test_case_numbers_are_unique_and_sequential_per_center_and_day(intake: Intake) -> None:
    await intake.publish_item()
    created = await asyncio.gather(*[intake.submit(["APP"]) for _ in range(8)])
    numbers = sorted(c["case_no"] for c in created)
    assert numbers == [f"35050020261125{n:06d}" for n in range(1, 9)]
    intake.clock.advance(timedelta(days=1))
    tomorrow = await intake.submit(["APP"])
    assert tomorrow["case_no"] == "35050020261126000001"


WRONG_APPLICANTS: list[tuple[dict[str, str], str, str]] = [
    ({"id_no": "110105194912310021"}, "applicant.id_no", "ResidentIdCheckDigit"),
    ({"id_no": "1101051949"}, "applicant.id_no", "ResidentIdFormat"),
    (
        {"id_type": "enterprise", "id_no": "91350100M000100Y44"},
        "applicant.id_no",
        "CreditCodeCheckDigit",
    ),
    ({"phone": "0595-2222222"}, "applicant.phone", "MobileNumberFormat"),
    ({"id_type": "driving_licence"}, "applicant.id_type", "literal_error"),
]


async def test_wrong_applicant_data_is_a_422_naming_field_and_rule(intake: Intake) -> None:
    await intake.publish_item()
    for applicant, field, rule in WRONG_APPLICANTS:
        body = {"item_code": "SCJG-003", "applicant": {**APPLICANT, **applicant}, "materials": []}
        response = await intake.http.post("/v1/cases", json=body, headers=CLERK)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert {"field": field, "rule": rule} in [
            {"field": e["field"], "rule": e["rule"]} for e in problem["errors"]
        ]
        assert field in problem["detail"]
    assert (await intake.http.get("/v1/cases", headers=CLERK)).json() == []


async def test_an_enterprise_applies_with_its_credit_code(intake: Intake) -> None:
    await intake.publish_item()
    company = {"name": "泉州某食品有限公司", "id_type": "enterprise", "id_no": "91350100M000100Y43"}
    created = await intake.submit(["APP"], applicant={**company, "phone": "+86 13900001111"})
    case = (await intake.http.get(f"/v1/cases/{created['case_id']}", headers=CLERK)).json()
    assert case["applicant"]["id_no"] == "913501********0Y43"  # masked in answers
    assert case["applicant"]["phone"] == "139****1111"  # masked in answers


async def test_a_case_keeps_the_item_version_it_was_submitted_under(intake: Intake) -> None:
    await intake.publish_item()
    created = await intake.submit(["APP", "LIC", "LAY", "HLT"])
    extra = {"code": "FIRE", "name": "消防安全检查合格证明", "required": True, "key": True}
    await intake.publish_item(
        promised_limit_days=5, materials=[*ITEM["materials"], extra], legal_limit_days=15
    )
    accepted = await intake.http.post(f"/v1/cases/{created['case_id']}/accept", headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["limit_days"] == 10  # version 1's promise, not version 2's
    case = (await intake.http.get(f"/v1/cases/{created['case_id']}", headers=CLERK)).json()
    assert case["item"]["version"] == 1 and case["missing"] == []
    newer = await intake.submit(["APP", "LIC", "LAY", "HLT"])
    assert newer["missing"] == ["FIRE"]


async def test_acceptance_rules_answer_with_their_names(intake: Intake) -> None:
    await intake.publish_item()
    case_id = (await intake.submit(["APP", "LAY", "HLT"]))["case_id"]
    key = await intake.http.post(
        f"/v1/cases/{case_id}/accept",
        json={"tolerated_missing": ["LIC"], "supplement_by": "2026-12-01"},
        headers=CLERK,
    )
    assert key.status_code == 422 and key.json()["rule"] == "KeyMaterialsCannotBeTolerated"
    assert key.json()["materials"] == ["LIC"] and "LIC" in key.json()["detail"]
    plain = await intake.http.post(f"/v1/cases/{case_id}/accept", headers=CLERK)
    assert plain.status_code == 422 and plain.json()["rule"] == "KeyMaterialsCannotBeTolerated"

    other = (await intake.submit(["APP", "LIC", "LAY"]))["case_id"]
    no_date = await intake.http.post(
        f"/v1/cases/{other}/accept", json={"tolerated_missing": ["HLT"]}, headers=CLERK
    )
    assert no_date.status_code == 422 and no_date.json()["rule"] == "SupplementDateRequired"
    as_applicant = await intake.http.post(
        f"/v1/cases/{other}/accept", headers=bearer("applicant", center=None)
    )
    assert as_applicant.status_code == 403


async def test_refusal_and_withdrawal_emit_their_events(intake: Intake) -> None:
    await intake.publish_item()
    refused_id = (await intake.submit(["APP"]))["case_id"]
    blank = await intake.http.post(
        f"/v1/cases/{refused_id}/refuse", json={"reason": ""}, headers=CLERK
    )
    assert blank.status_code == 422
    refused = await intake.http.post(
        f"/v1/cases/{refused_id}/refuse", json={"reason": "不属于本中心受理范围"}, headers=CLERK
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    again = await intake.http.post(f"/v1/cases/{refused_id}/accept", headers=CLERK)
    assert again.status_code == 409 and again.json()["rule"] == "CaseClosed"

    withdrawn_id = (await intake.submit(["APP", "LIC", "LAY", "HLT"]))["case_id"]
    await intake.http.post(f"/v1/cases/{withdrawn_id}/accept", headers=CLERK)
    withdrawn = await intake.http.post(
        f"/v1/cases/{withdrawn_id}/withdraw", json={"reason": "申请人撤回"}, headers=CLERK
    )
    # Accepted: approval, which may be deciding right now, confirms or refuses the request.
    assert withdrawn.status_code == 202 and withdrawn.json()["status"] == "withdrawal_requested"
    again = await intake.http.post(f"/v1/cases/{withdrawn_id}/withdraw", headers=CLERK)
    assert again.status_code == 202  # asked again: still the one request

    refused_events = await intake.case_events(refused_id, 3)
    assert types(refused_events)[-1] == "case.refused"
    assert refused_events[-1].data["reason"] == "不属于本中心受理范围"
    withdrawn_events = await intake.case_events(withdrawn_id, 3)
    assert types(withdrawn_events) == [
        "case.submitted",
        "case.accepted",
        "case.withdrawal_requested",
    ]


async def test_unknown_cases_and_bad_bodies_never_500(intake: Intake) -> None:
    await intake.publish_item()
    assert (await intake.http.get("/v1/cases/nope", headers=CLERK)).status_code == 404
    bodies = {"supplements": {"materials": ["APP"]}, "accept": {}, "refuse": {"reason": "r"}}
    for path in ("supplements", "accept", "refuse", "withdraw"):
        body = bodies.get(path, {"reason": "r"})
        response = await intake.http.post(f"/v1/cases/nope/{path}", json=body, headers=CLERK)
        assert response.status_code == 404, (path, response.text)
    garbage = await intake.http.post(
        "/v1/cases", content=b"[1,2", headers={**CLERK, "content-type": "application/json"}
    )
    assert garbage.status_code == 422
    wrong_types = await intake.http.post(
        "/v1/cases", json={"item_code": 5, "applicant": "me", "materials": "APP"}, headers=CLERK
    )
    assert wrong_types.status_code == 422
    unknown_item = await intake.http.post(
        "/v1/cases", json={"item_code": "NOPE", "applicant": APPLICANT}, headers=CLERK
    )
    assert unknown_item.status_code == 422 and unknown_item.json()["rule"] == "ItemNotInCatalogue"
    unknown_material = await intake.http.post(
        "/v1/cases",
        json={"item_code": "SCJG-003", "applicant": APPLICANT, "materials": ["XYZ"]},
        headers=CLERK,
    )
    assert unknown_material.json()["rule"] == "UnknownMaterials"
    not_admin = await intake.http.post("/v1/cases", json={}, headers=ADMIN)
    assert not_admin.status_code == 403

    nul = {"item_code": "SCJG-003", "applicant": {**APPLICANT, "name": "张\x00三"}}
    for method, path, body in [
        ("GET", "/v1/cases/%00", None),
        ("GET", "/v1/cases?status=%00", None),
        ("GET", "/v1/public/cases/%00?code=ABCDEF", None),
        ("GET", "/v1/catalog/items?department=%00", None),
        ("POST", "/v1/cases", nul),
        ("POST", f"/v1/cases/{'x' * 500}/accept", {}),
    ]:
        answer = await intake.http.request(method, path, json=body, headers=CLERK)
        assert answer.status_code == 422, (path, answer.text)

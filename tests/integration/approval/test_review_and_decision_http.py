"""Accepted cases become work; review, decision, sealed document and delivery over HTTP."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from tests.integration.approval.harness import (
    accepted,
    admin,
    approval_settings,
    names,
    new_case_id,
    publish,
    running,
    staff,
    submitted,
    topic_events,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

REVIEWER = staff("reviewer", "rev-a")
APPROVER = staff("approver", "app-a")


async def worklist_ids(node, headers) -> list[str]:
    response = await node.client.get("/v1/worklist", headers=headers)
    assert response.status_code == 200, response.text
    return [row["case_id"] for row in response.json()]


async def test_review_decide_seal_deliver(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        await publish(settings, submitted(case_id), accepted(case_id))
        await eventually(lambda: _contains(worklist_ids(node, REVIEWER), case_id))

        review = await node.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve", "comment": "材料齐全"},
            headers=REVIEWER,
        )
        assert review.status_code == 200, review.text
        assert review.json()["step"] == "decide"

        same_person = staff("approver", "rev-a")
        refused = await node.client.post(
            f"/v1/cases/{case_id}/decide", json={"decision": "approved"}, headers=same_person
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["rule"] == "ReviewerMayNotDecide"

        no_reason = await node.client.post(
            f"/v1/cases/{case_id}/decide", json={"decision": "denied"}, headers=APPROVER
        )
        assert no_reason.status_code == 422 and no_reason.json()["rule"] == "DenialCitesAReason"

        decided = await node.client.post(
            f"/v1/cases/{case_id}/decide",
            json={"decision": "approved", "reasons": "符合法定条件"},
            headers=APPROVER,
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["decision"]["outcome"] == "approved"
        assert case_id not in await worklist_ids(node, REVIEWER)

        await _document_is_genuine_and_tamper_evident(node, case_id)

        await eventually(lambda: _sent(node))
        [message] = node.sink.sent
        assert (message.to, message.channel) == ("13800000001", "sms")
        assert "准予许可" in message.text and f"350500-{case_id}" in message.text

        events = await eventually(lambda: _until(settings, case_id, "case.delivered"))
    assert names([e for e in events if e.source.endswith("/approval")]) == [
        "work.opened",
        "work.assigned",
        "case.reviewed",
        "work.assigned",
        "case.decided",
        "case.decision_issued",
        "case.delivered",
    ]
    mine = [e for e in events if e.source.endswith("/approval")]
    assert [e.sequence for e in mine] == [1, 2, 3, 4, 5, 6, 7]
    assert all(e.subject == case_id and e.center == "350500" for e in mine)
    assert mine[-3].data["document_id"] == f"JD-350500-{case_id}"
    assert mine[-2].data["document"]["document_id"] == f"JD-350500-{case_id}"


async def _document_is_genuine_and_tamper_evident(node, case_id: str) -> None:
    response = await node.client.get(f"/v1/cases/{case_id}/decision", headers=APPROVER)
    assert response.status_code == 200, response.text
    sealed = response.json()
    assert sealed["document"]["title"] == "准予行政许可决定书"
    assert sealed["document"]["applicant"] == "张三"
    body = {k: sealed[k] for k in ("document", "pdf", "seal")}
    verdict = (await node.client.post("/v1/seals/verify", json=body)).json()
    assert verdict == {"genuine": True, "detail": verdict["detail"], "department": "land"}

    pdf = bytearray(base64.b64decode(sealed["pdf"]))
    pdf[len(pdf) // 2] ^= 1
    changed_pdf = {**body, "pdf": base64.b64encode(bytes(pdf)).decode()}
    assert (await node.client.post("/v1/seals/verify", json=changed_pdf)).json()["genuine"] is False
    changed_doc = {**body, "document": {**body["document"], "reasons": "改过"}}
    assert (await node.client.post("/v1/seals/verify", json=changed_doc)).json()["genuine"] is False

    keys = (await node.client.get("/v1/seals/keys")).json()
    [land] = [k for k in keys if k["department"] == "land"]
    assert land["key_id"] == sealed["seal"]["key_id"] and land["algorithm"] == "Ed25519"
    assert land["public_key_pem"] == sealed["public_key_pem"]

    pdf_response = await node.client.get(f"/v1/cases/{case_id}/decision.pdf", headers=APPROVER)
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.content == base64.b64decode(sealed["pdf"])


async def test_who_may_act_is_scoped_by_center_and_department(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    first, second = new_case_id(), new_case_id()
    async with running(settings) as node:
        later = accepted(first, limit=10)
        sooner = accepted(second, limit=3)
        await publish(settings, later, sooner)
        listed = await eventually(lambda: _both(worklist_ids(node, REVIEWER), first, second))
        assert listed == [second, first]  # oldest deadline first

        other_department = staff("reviewer", "tax-1", department="tax")
        response = await node.client.post(
            f"/v1/cases/{first}/review", json={"opinion": "approve"}, headers=other_department
        )
        assert response.status_code == 403
        assert first not in await worklist_ids(node, other_department)

        other_center = staff("reviewer", "rev-x", center="350521")
        response = await node.client.post(
            f"/v1/cases/{first}/review", json={"opinion": "approve"}, headers=other_center
        )
        assert response.status_code == 404

        clerk_reviewing = await node.client.post(
            f"/v1/cases/{first}/review", json={"opinion": "approve"}, headers=staff("clerk", "c")
        )
        assert clerk_reviewing.status_code == 403
        unauthenticated = await node.client.get("/v1/worklist")
        assert unauthenticated.status_code == 401
        seen_by_admin = await node.client.get(f"/v1/cases/{first}", headers=admin())
        assert seen_by_admin.status_code == 200 and seen_by_admin.json()["status"] == "accepted"


async def test_immediate_cases_at_the_window_and_a_changed_authorization(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    at_window, after_change = new_case_id(), new_case_id()
    clerk = staff("clerk", "clerk-1")
    async with running(settings) as node:
        await publish(settings, accepted(at_window, kind="immediate", limit=0))
        await eventually(lambda: _contains(worklist_ids(node, clerk), at_window))
        decided = await node.client.post(
            f"/v1/cases/{at_window}/decide",
            json={"decision": "approved", "reasons": "即办"},
            headers=clerk,
        )
        assert decided.status_code == 200, decided.text
        assert decided.json()["decision"]["by"] == "clerk-1"

        authorization = await node.client.put(
            "/v1/departments/land/authorization",
            json={"window_decides": ["supplement", "returned"], "pre_review": ["promised"]},
            headers=admin(),
        )
        assert authorization.status_code == 200, authorization.text
        await publish(settings, accepted(after_change, kind="immediate", limit=0))
        await eventually(lambda: _contains(worklist_ids(node, clerk), after_change))
        refused = await node.client.post(
            f"/v1/cases/{after_change}/decide", json={"decision": "approved"}, headers=clerk
        )
        assert refused.status_code == 403 and refused.json()["rule"] == "WindowMustBeAuthorized"

        node.clock.advance(timedelta(days=1))
        item = (await node.client.get(f"/v1/cases/{after_change}", headers=clerk)).json()
        assert item["step"] == "review" and item["window_decides"] is False
    events = await topic_events(settings, subject="department:land")
    assert names(events) == ["department.authorized"]


async def _contains(probe, case_id: str) -> bool:
    return case_id in await probe


async def _both(probe, *case_ids: str) -> list[str] | None:
    listed = await probe
    return listed if all(c in listed for c in case_ids) else None


async def _sent(node) -> bool:
    return bool(node.sink.sent)


async def _until(settings, case_id: str, name: str):
    events = await topic_events(settings, subject=case_id)
    return events if name in names(events) else None

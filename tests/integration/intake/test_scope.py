"""Scope: a clerk works on their own center's cases; an applicant sees only their own."""

from __future__ import annotations

import pytest

from tests.integration.intake.harness import APPLICANT, CLERK, Intake
from tests.support.services import bearer

pytestmark = pytest.mark.integration

ALICE = bearer("applicant", sub="applicant-alice", center=None)
BOB = bearer("applicant", sub="applicant-bob", center=None)
FOREIGN_CLERK = bearer("clerk", sub="clerk-9", center="350521")


async def test_an_applicant_applies_online_and_sees_only_their_cases(intake: Intake) -> None:
    await intake.publish_item()
    mine = await intake.submit(["APP", "LIC"], headers=ALICE)
    assert mine["status"] == "awaiting_supplement"
    case = await intake.http.get(f"/v1/cases/{mine['case_id']}", headers=ALICE)
    assert case.status_code == 200
    assert case.json()["channel"] == "online" and case.json()["submitted_by"] == "applicant-alice"
    assert (await intake.http.get(f"/v1/cases/{mine['case_id']}", headers=BOB)).status_code == 404
    clerks = await intake.submit(["APP"])
    assert (
        await intake.http.get(f"/v1/cases/{clerks['case_id']}", headers=ALICE)
    ).status_code == 404
    listed = (await intake.http.get("/v1/cases", headers=ALICE)).json()
    assert [c["case_id"] for c in listed] == [mine["case_id"]]
    assert (await intake.http.get("/v1/cases", headers=BOB)).json() == []
    staff = (await intake.http.get("/v1/cases", headers=CLERK)).json()
    assert {c["case_id"] for c in staff} == {mine["case_id"], clerks["case_id"]}

    supplement = await intake.http.post(
        f"/v1/cases/{mine['case_id']}/supplements",
        json={"materials": ["LAY", "HLT"]},
        headers=ALICE,
    )
    assert supplement.status_code == 200 and supplement.json()["status"] == "submitted"
    theirs = await intake.http.post(f"/v1/cases/{mine['case_id']}/withdraw", headers=BOB)
    assert theirs.status_code == 404
    withdrawn = await intake.http.post(f"/v1/cases/{mine['case_id']}/withdraw", headers=ALICE)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


async def test_an_applicant_cannot_use_the_window_channel_or_offline_items(intake: Intake) -> None:
    await intake.publish_item()
    body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": [], "channel": "window"}
    window = await intake.http.post("/v1/cases", json=body, headers=ALICE)
    assert window.status_code == 422 and window.json()["rule"] == "ApplicantsApplyOnline"
    await intake.publish_item(online=False)
    offline = await intake.http.post("/v1/cases", json={**body, "channel": None}, headers=ALICE)
    assert offline.status_code == 422 and offline.json()["rule"] == "OnlineApplicationNotAllowed"


async def test_a_clerk_of_another_center_neither_sees_nor_submits(intake: Intake) -> None:
    await intake.publish_item()
    created = await intake.submit(["APP", "LIC", "LAY", "HLT"])
    case_id = created["case_id"]
    assert (await intake.http.get(f"/v1/cases/{case_id}", headers=FOREIGN_CLERK)).status_code == 404
    accept = await intake.http.post(f"/v1/cases/{case_id}/accept", headers=FOREIGN_CLERK)
    assert accept.status_code == 404
    receipt = await intake.http.get(f"/v1/cases/{case_id}/receipt.pdf", headers=FOREIGN_CLERK)
    assert receipt.status_code == 404
    assert (await intake.http.get("/v1/cases", headers=FOREIGN_CLERK)).json() == []
    body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": []}
    submit = await intake.http.post("/v1/cases", json=body, headers=FOREIGN_CLERK)
    assert submit.status_code == 403
    supervisor = bearer("supervisor")
    assert (await intake.http.get(f"/v1/cases/{case_id}", headers=supervisor)).status_code == 200

"""Intake follows approval's state of an accepted case: an escalated case reads `escalated`
(已上报) at intake, in its answer and in the case list, until the deciding center's result
comes back. Fails on the code as it was before: intake answered `accepted` throughout."""

from __future__ import annotations

from typing import Any

import pytest

from libs.events.contract import CaseEscalated, CaseEscalationReturned
from libs.events.envelope import Envelope
from libs.events.registry import Event
from tests.integration.intake.harness import CLERK, NOW, Intake
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


async def test_an_escalated_case_reads_escalated_until_its_result_returns(intake: Intake) -> None:
    await intake.publish_item()
    case_id = (await intake.submit(["APP", "LIC", "LAY", "HLT"]))["case_id"]
    accepted = await intake.http.post(f"/v1/cases/{case_id}/accept", json={}, headers=CLERK)
    assert accepted.status_code == 200, accepted.text

    escalated = CaseEscalated(
        case_id=case_id, center="350500", to_center="350000", escalated_at=NOW
    )
    await intake.inject(_envelope(escalated, "/centers/350500/approval"))
    case = await eventually(lambda: _reads(intake, case_id, "escalated"))
    assert (case["status_zh"], case["intake_status"]) == ("已上报", "accepted")
    listed = await intake.http.get("/v1/cases", params={"status": "escalated"}, headers=CLERK)
    assert [c["case_id"] for c in listed.json()] == [case_id]
    assert listed.json()[0]["status_zh"] == "已上报"
    others = await intake.http.get("/v1/cases", params={"status": "accepted"}, headers=CLERK)
    assert others.json() == []

    returned = CaseEscalationReturned(
        case_id=case_id, center="350500", from_center="350000", decision="denied", returned_at=NOW
    )
    await intake.inject(_envelope(returned, "/centers/350000/approval"))
    case = await eventually(lambda: _reads(intake, case_id, "denied"))
    assert case["status_zh"] == "不予许可"


def _envelope(event: Event, source: str) -> Envelope:
    """The first event of `source`'s stream for this case, as it reaches intake's topic."""
    return Envelope(
        type=event.TYPE,
        source=source,
        subject=str(getattr(event, "case_id", "")),
        center="350500",
        sequence=1,
        data=event.model_dump(mode="json"),
    )


async def _reads(intake: Intake, case_id: str, status: str) -> dict[str, Any] | None:
    body: dict[str, Any] = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    return body if body["status"] == status else None

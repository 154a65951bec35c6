"""Approval refused the withdrawal of an accepted case (decided first): intake's own status
returns to `accepted` and the applicant reads the refusal, with its reason, in the case's
history. Fails on the code as it was before: intake never applied `case.withdrawal_refused`,
so its `intake_status` stayed `withdrawal_requested`."""

from __future__ import annotations

from typing import Any

import pytest

from libs.events.contract import CaseDecided, CaseWithdrawalRefused
from libs.events.envelope import Envelope
from libs.events.registry import Event
from tests.integration.intake.harness import CLERK, NOW, Intake
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
APPROVAL = "/centers/350500/approval"
REASON = "已作出决定（准予许可），不能撤回 (already decided)"


async def test_a_refused_withdrawal_returns_the_case_to_accepted(intake: Intake) -> None:
    await intake.publish_item()
    case_id = (await intake.submit(["APP", "LIC", "LAY", "HLT"]))["case_id"]
    accepted = await intake.http.post(f"/v1/cases/{case_id}/accept", json={}, headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    asked = await intake.http.post(
        f"/v1/cases/{case_id}/withdraw", json={"reason": "不再需要"}, headers=CLERK
    )
    assert (asked.status_code, asked.json()["status"]) == (202, "withdrawal_requested")

    decided = CaseDecided(
        case_id=case_id,
        center="350500",
        decision="approved",
        decided_by="app-1",
        department="SCJG",
        decided_at=NOW,
    )
    refused = CaseWithdrawalRefused(
        case_id=case_id, center="350500", reason=REASON, decision="approved", refused_at=NOW
    )
    await intake.inject(_envelope(decided, 1))
    await intake.inject(_envelope(refused, 2))
    case = await eventually(lambda: _noted(intake, case_id))
    assert (case["intake_status"], case["status"], case["status_zh"]) == (
        "accepted",
        "approved",
        "准予许可",
    )
    kinds = [h["type"] for h in case["history"]]
    assert kinds.count("onewindow.case.withdrawal_refused.v1") == 1
    assert kinds.count("onewindow.case.withdrawal_refusal_noted.v1") == 1
    noted = next(h for h in case["history"] if h["type"].endswith("withdrawal_refusal_noted.v1"))
    assert noted["data"]["summary"] == f"撤回申请未予办理：{REASON}"

    again = await intake.http.post(f"/v1/cases/{case_id}/withdraw", json={}, headers=CLERK)
    assert again.status_code == 409 and again.json()["rule"] == "CaseAlreadyDecided"
    published = await eventually(lambda: _published(intake, case_id))
    noted_ids = {e.id for e in published if e.name == "case.withdrawal_refusal_noted"}
    assert len(noted_ids) == 1  # the relay may send a record twice, never a second event
    assert sorted({e.sequence for e in published}) == [1, 2, 3, 4]


def _envelope(event: Event, sequence: int) -> Envelope:
    """Approval's event of the case, numbered in approval's stream."""
    return Envelope(
        type=event.TYPE,
        source=APPROVAL,
        subject=str(getattr(event, "case_id", "")),
        center="350500",
        sequence=sequence,
        data=event.model_dump(mode="json"),
    )


async def _noted(intake: Intake, case_id: str) -> dict[str, Any] | None:
    """The case once intake recorded the refusal (the last event it writes for it)."""
    body: dict[str, Any] = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    kinds = [h["type"] for h in body["history"]]
    return body if "onewindow.case.withdrawal_refusal_noted.v1" in kinds else None


async def _published(intake: Intake, case_id: str) -> list[Envelope] | None:
    """Intake's events of the case on the topic, once the last (the noted refusal) is there."""
    # The item's version, intake's four events of the case and approval's two.
    mine = [e for e in await intake.events(7) if e.subject == case_id and e.source != APPROVAL]
    return mine if any(e.name == "case.withdrawal_refusal_noted" for e in mine) else None

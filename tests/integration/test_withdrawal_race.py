"""Withdraw vs decide: approval settles the race, and every service ends with its one outcome.

Over HTTP against PostgreSQL and the broker, with intake, approval and supervision running:
the withdrawal first (approval confirms, the decision is refused), the decision first (the
withdrawal is refused with the reason, or intake already knows and answers 409), and both at
once on several cases. The applicant is told by SMS which way it went.

Fails on the code as it was before: intake confirmed the withdrawal from its own read model
(200 `withdrawn`) while approval could decide the same case (200), so intake showed withdrawn,
approval decided, and supervision a decided case with no outcome.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from libs.events.clock import SHANGHAI, FixedClock
from tests.integration.approval.harness import staff
from tests.integration.one_center import CLERK, SUPERVISOR, one_center
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

APPROVER = staff("approver", "app-a")


async def test_withdrawal_and_decision_race_ends_with_one_outcome_everywhere(
    databases, broker, tmp_path
) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI))
    async with one_center(databases, broker, tmp_path, clock, "LAND-02") as (intake, approval, sv):
        phones = [f"1390000{n:04d}" for n in range(4)]
        first, second, *both = await asyncio.gather(
            *(_reviewed(intake, approval, phone) for phone in phones)
        )

        # The withdrawal first: approval confirms it, a later decision is refused.
        asked = await _withdraw(intake, first)
        assert (asked.status_code, asked.json()["status"]) == (202, "withdrawal_requested")
        await eventually(lambda: _ended(intake, approval, sv, first, "withdrawn"))
        late = await _decide(approval, first)
        assert late.status_code == 409 and late.json()["rule"] == "WorkIsClosed"

        # The decision first: the withdrawal is refused, by approval or by intake.
        assert (await _decide(approval, second)).status_code == 200
        refused = await _withdraw(intake, second)
        assert refused.status_code in (202, 409), refused.text
        await eventually(lambda: _ended(intake, approval, sv, second, "approved"))

        # Both at once: whichever approval took first is the one outcome.
        answers = await asyncio.gather(
            *(asyncio.gather(_withdraw(intake, c), _decide(approval, c)) for c in both)
        )
        for case_id, (_, decision) in zip(both, answers, strict=True):
            assert decision.status_code in (200, 409), decision.text
            outcome = "approved" if decision.status_code == 200 else "withdrawn"
            await eventually(lambda c=case_id, o=outcome: _ended(intake, approval, sv, c, o))

        texts = await eventually(lambda: _told(approval, phones[:2]), within=30)
        assert "撤回" in texts[phones[0]][-1] and "已按您的申请撤回" in texts[phones[0]][-1]
        assert any("准予许可" in t for t in texts[phones[1]])
        if refused.status_code == 202:
            assert any("撤回申请未予办理" in t for t in texts[phones[1]])


async def _reviewed(intake, approval, phone: str) -> str:
    applicant = {"name": "王五", "id_type": "resident", "id_no": "11010519491231002X"}
    created = await intake.post(
        "/v1/cases",
        headers=CLERK,
        json={
            "item_code": "LAND-02",
            "applicant": {**applicant, "phone": phone},
            "materials": ["APPLY"],
        },
    )
    case_id = str(created.json()["case_id"])
    accepted = await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    await eventually(lambda: _has_work(approval, case_id))
    reviewed = await approval.client.post(
        f"/v1/cases/{case_id}/review",
        json={"opinion": "approve", "comment": "材料齐全"},
        headers=staff("reviewer", "rev-a"),
    )
    assert reviewed.status_code == 200, reviewed.text
    return case_id


async def _withdraw(intake, case_id: str):
    return await intake.post(
        f"/v1/cases/{case_id}/withdraw", json={"reason": "不再需要"}, headers=CLERK
    )


async def _decide(approval, case_id: str):
    return await approval.client.post(
        f"/v1/cases/{case_id}/decide",
        json={"decision": "approved", "reasons": "符合规划条件"},
        headers=APPROVER,
    )


async def _has_work(approval, case_id: str) -> bool:
    got = await approval.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return got.status_code == 200


async def _ended(intake, approval, sv, case_id: str, outcome: str) -> bool:
    """Intake, approval, supervision's case, light and statistics all tell the one outcome."""
    case = (await intake.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    work = (await approval.client.get(f"/v1/cases/{case_id}", headers=APPROVER)).json()
    watched = (await sv.get(f"/v1/cases/{case_id}", headers=SUPERVISOR)).json()
    light = (await sv.get(f"/v1/cases/{case_id}/light", headers=SUPERVISOR)).json()
    if outcome == "withdrawn":
        return (
            case.get("status") == "withdrawn"
            and work.get("status") in ("withdrawn", "closed")
            and watched.get("status") == "withdrawn"
            and watched.get("completed_at") is None
            and light.get("outcome") is None
        )
    return (
        case.get("status") == outcome
        and work.get("status") in (outcome, "decided")
        and watched.get("status") in (outcome, "decided", "delivered")
        and watched.get("decision") == outcome
        and light.get("outcome") in ("early", "on_time", "overdue")
    )


async def _told(approval, phones: list[str]) -> dict[str, list[str]] | None:
    texts: dict[str, list[str]] = {}
    for message in approval.sink.sent:
        texts.setdefault(message.to, []).append(message.text)
    return texts if all(p in texts for p in phones) else None

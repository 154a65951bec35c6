"""One status vocabulary: intake, approval and supervision answer the same `status` and
`status_zh` for a case at every step, because intake follows approval's state from the events
it consumes.

Over HTTP against PostgreSQL and the broker with the three services running: accepted, then
suspended for an inspection (暂停计时 everywhere), resumed, decided (准予许可 everywhere), and
delivered (intake records when; every service still reads 准予许可). Fails on the code as it
was before: intake answered `accepted` while approval had the case suspended, and no service
answered `status_zh`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from libs.events.clock import SHANGHAI, FixedClock
from tests.integration.approval.harness import Node, staff
from tests.integration.one_center import CLERK, SUPERVISOR, one_center
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

APPLICANT = {
    "name": "李四",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13900000002",
}
REVIEWER = staff("reviewer", "rev-a")
APPROVER = staff("approver", "app-a")


async def test_every_service_answers_the_same_status_at_every_step(
    databases, broker, tmp_path
) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI))
    async with one_center(databases, broker, tmp_path, clock, "LAND-03") as (intake, approval, sv):
        body = {"item_code": "LAND-03", "applicant": APPLICANT, "materials": ["APPLY"]}
        received = await intake.post("/v1/cases", json=body, headers=CLERK)
        assert received.status_code == 201, received.text
        case_id = received.json()["case_id"]
        accepted = await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=CLERK)
        assert accepted.status_code == 200, accepted.text
        await eventually(lambda: _everywhere(intake, approval, sv, case_id, "accepted", "已受理"))

        suspended = await approval.client.post(
            f"/v1/cases/{case_id}/suspend",
            json={"procedure": "inspection", "reason": "现场核查", "expected_days": 3},
            headers=REVIEWER,
        )
        assert suspended.status_code == 200, suspended.text
        await eventually(
            lambda: _everywhere(intake, approval, sv, case_id, "suspended", "暂停计时")
        )

        clock.set(datetime(2026, 11, 4, 10, 0, tzinfo=SHANGHAI))
        resumed = await approval.client.post(f"/v1/cases/{case_id}/resume", headers=REVIEWER)
        assert resumed.status_code == 200, resumed.text
        await eventually(lambda: _everywhere(intake, approval, sv, case_id, "accepted", "已受理"))

        review = {"opinion": "approve", "comment": "符合条件"}
        reviewed = await approval.client.post(
            f"/v1/cases/{case_id}/review", json=review, headers=REVIEWER
        )
        assert reviewed.status_code == 200, reviewed.text
        decision = {"decision": "approved", "reasons": "符合规划条件"}
        decided = await approval.client.post(
            f"/v1/cases/{case_id}/decide", json=decision, headers=APPROVER
        )
        assert decided.status_code == 200, decided.text
        await eventually(lambda: _everywhere(intake, approval, sv, case_id, "approved", "准予许可"))
        case = await eventually(lambda: _delivered(intake, case_id))
        assert (case["status"], case["status_zh"]) == ("approved", "准予许可")
        assert any(h["type"].endswith("case.delivered.v1") for h in case["history"])
        # Delivered: still `approved` everywhere (supervision once said `delivered`).
        seen = await eventually(lambda: _supervision_delivered(sv, case_id))
        assert (seen["status"], seen["status_zh"]) == ("approved", "准予许可")
        assert await _everywhere(intake, approval, sv, case_id, "approved", "准予许可")


async def _everywhere(
    intake: httpx.AsyncClient, approval: Node, sv: httpx.AsyncClient, case_id: str, *want: str
) -> bool:
    """True once all three services answer the status `want` (word, Chinese label)."""
    answers = [
        await intake.get(f"/v1/cases/{case_id}", headers=CLERK),
        await approval.client.get(f"/v1/cases/{case_id}", headers=REVIEWER),
        await sv.get(f"/v1/cases/{case_id}", headers=SUPERVISOR),
        await sv.get(f"/v1/cases/{case_id}/light", headers=SUPERVISOR),
    ]
    seen = [_status(a) for a in answers]
    return all(s == want for s in seen)


def _status(answer: httpx.Response) -> tuple[str, str] | None:
    if answer.status_code != 200:
        return None
    body: dict[str, Any] = answer.json()
    return body.get("status"), body.get("status_zh")  # type: ignore[return-value]


async def _delivered(intake: httpx.AsyncClient, case_id: str) -> dict[str, Any] | None:
    body: dict[str, Any] = (await intake.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    return body if body.get("delivered_at") else None


async def _supervision_delivered(sv: httpx.AsyncClient, case_id: str) -> dict[str, Any] | None:
    body: dict[str, Any] = (await sv.get(f"/v1/cases/{case_id}", headers=SUPERVISOR)).json()
    return body if body.get("delivered") else None

"""One case clock: a resume racing the load of the 2027 schedule ends alike in all three services.

Three cases accepted on Thursday 24 December 2026 (10 working days) are suspended the same
day and resumed on Tuesday 5 January 2027: one before the 2027 schedule is loaded, one while it
is being loaded, one after. The schedule makes 1 January a holiday, so the pause covers 7
working days and the tenth working day is 8 January: every case is due on 19 January, final.

Fails on the code as it was before: approval counted the pause under its calendar of the moment
(8 days, 1 January counted) and intake then recomputed from those mirrored days and the new
calendar, which approval and supervision adopted (20 January); the concurrent resume could end
anywhere.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from libs.events.clock import SHANGHAI, FixedClock
from tests.integration.approval.harness import admin, staff
from tests.integration.one_center import CLERK, SUPERVISOR, one_center
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

APPLICANT = {
    "name": "王五",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13900000003",
}
YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01"], "workdays": []}
EXPECTED = ("2027-01-19", False)


async def test_resume_racing_a_calendar_load_ends_with_one_deadline_everywhere(
    databases, broker, tmp_path
) -> None:
    clock = FixedClock(datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI))
    async with one_center(databases, broker, tmp_path, clock, "LAND-02") as (intake, approval, sv):
        before, during, after = [await _accepted_and_suspended(intake, approval) for _ in range(3)]
        clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))

        await _resume(approval, before)
        await eventually(lambda: _supervision_resumed(sv, before))

        async def load() -> None:
            loaded = await intake.put("/v1/calendar/2027", json=YEAR_2027, headers=admin())
            assert loaded.status_code == 200, loaded.text

        await asyncio.gather(load(), _resume(approval, during))
        await _resume(approval, after)

        for case_id in (before, during, after):
            seen = await eventually(lambda c=case_id: _agreed(intake, approval, sv, c), within=30)
            assert set(seen.values()) == {EXPECTED}


async def _accepted_and_suspended(intake, approval) -> str:
    created = await intake.post(
        "/v1/cases",
        headers=CLERK,
        json={"item_code": "LAND-02", "applicant": APPLICANT, "materials": ["APPLY"]},
    )
    case_id = str(created.json()["case_id"])
    accepted = await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=CLERK)
    assert accepted.json()["due_day"] == "2027-01-07"  # the Monday–Friday rule, provisional
    await eventually(lambda: _approval_has(approval, case_id))
    stopped = await approval.client.post(
        f"/v1/cases/{case_id}/suspend",
        json={"procedure": "expert_review", "reason": "专家评审", "expected_days": 7},
        headers=staff("reviewer", "rev-a"),
    )
    assert stopped.status_code == 200, stopped.text
    return case_id


async def _resume(approval, case_id: str) -> None:
    got = await approval.client.post(
        f"/v1/cases/{case_id}/resume", headers=staff("reviewer", "rev-a")
    )
    assert got.status_code == 200, got.text


async def _approval_has(approval, case_id: str) -> bool:
    got = await approval.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return got.status_code == 200


async def _supervision_resumed(sv, case_id: str) -> bool:
    got = await sv.get(f"/v1/cases/{case_id}", headers=SUPERVISOR)
    return got.status_code == 200 and got.json().get("status") == "accepted"


async def _agreed(intake, approval, sv, case_id: str) -> dict[str, tuple[str, bool]] | None:
    work = (
        await approval.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    ).json()
    case = (await intake.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    supervised = (await sv.get(f"/v1/cases/{case_id}", headers=SUPERVISOR)).json()
    light = (await sv.get(f"/v1/cases/{case_id}/light", headers=SUPERVISOR)).json()
    light_day = str(light.get("deadline", ""))[:10]  # 23:59:59 Shanghai is 15:59:59 UTC
    seen = {
        "intake": (case.get("due_day"), case.get("provisional")),
        "approval": (work.get("due_day"), work.get("provisional")),
        "supervision": (supervised.get("due_day"), supervised.get("provisional")),
        "light": (light_day, supervised.get("provisional")),
    }
    return seen if all(v == EXPECTED for v in seen.values()) else None

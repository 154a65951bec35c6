"""Intake's case list: a department's staff see their department's cases; pages by a keyset
cursor lose and repeat nothing while cases arrive; the page size has a cap, said in a 422."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.intake.harness import APPLICANT, CLERK, Intake
from tests.support.services import bearer

pytestmark = pytest.mark.integration


async def submit_later(intake: Intake, n: int = 1, item: str = "SCJG-003") -> list[str]:
    """Receive `n` cases, a minute apart; their ids."""
    ids = []
    for _ in range(n):
        intake.clock.advance(timedelta(minutes=1))
        body = {"item_code": item, "applicant": APPLICANT, "materials": ["APP"]}
        response = await intake.http.post("/v1/cases", json=body, headers=CLERK)
        assert response.status_code == 201, response.text
        ids.append(response.json()["case_id"])
    return ids


async def test_a_walk_loses_and_repeats_nothing_while_cases_arrive(intake: Intake) -> None:
    await intake.publish_item()
    first = await submit_later(intake, 7)
    walked: list[str] = []
    arrived: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await intake.http.get("/v1/cases", params=params, headers=CLERK)
        assert page.status_code == 200, page.text
        walked += [c["case_id"] for c in page.json()]
        if not arrived:
            arrived = await submit_later(intake, 3)
        cursor = page.headers.get("Next-Cursor")
        if cursor is None:
            break
    assert walked == first[::-1]
    fresh = (await intake.http.get("/v1/cases", params={"limit": 3}, headers=CLERK)).json()
    assert [c["case_id"] for c in fresh] == arrived[::-1]
    big = await intake.http.get("/v1/cases", params={"limit": 201}, headers=CLERK)
    assert big.status_code == 422 and big.json()["errors"][0]["field"] == "query.limit"
    assert "200" in big.json()["detail"] and big.json()["detail_zh"]


async def test_department_staff_see_their_departments_cases(intake: Intake) -> None:
    await intake.publish_item()
    await intake.publish_item("GAJ-001", department="GAJ", name="户籍迁移")
    [ours] = await submit_later(intake)
    [theirs] = await submit_later(intake, item="GAJ-001")
    listed = (await intake.http.get("/v1/cases", headers=CLERK)).json()
    assert [c["case_id"] for c in listed] == [ours]
    asked = await intake.http.get("/v1/cases", params={"department": "GAJ"}, headers=CLERK)
    assert asked.status_code == 403 and asked.json()["detail_zh"]
    gaj = bearer("reviewer", sub="rev-9", department="GAJ")
    assert [c["case_id"] for c in (await intake.http.get("/v1/cases", headers=gaj)).json()] == [
        theirs
    ]
    supervisor = bearer("supervisor")
    everyone = (await intake.http.get("/v1/cases", headers=supervisor)).json()
    assert [c["case_id"] for c in everyone] == [theirs, ours]
    by_department = await intake.http.get(
        "/v1/cases", params={"department": "GAJ"}, headers=supervisor
    )
    assert [c["case_id"] for c in by_department.json()] == [theirs]

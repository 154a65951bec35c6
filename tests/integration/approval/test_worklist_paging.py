"""The worklist comes in pages (an opaque cursor) and is searched by item and number."""

from __future__ import annotations

import pytest

from tests.integration.approval.harness import (
    accepted,
    approval_settings,
    new_case_id,
    publish,
    running,
    staff,
    submitted,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
REVIEWER = staff("reviewer", "rev-a")


async def test_the_worklist_pages_and_searches(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    ids = [new_case_id() for _ in range(3)]
    other = new_case_id()
    async with running(settings) as node:
        events = [accepted(c, limit=3 + n, item_code="LAND-09") for n, c in enumerate(ids)]
        await publish(settings, *events, accepted(other, limit=2))

        async def listed() -> list[dict[str, object]]:
            response = await node.client.get("/v1/worklist", headers=REVIEWER)
            rows: list[dict[str, object]] = response.json()
            return rows if len(rows) == 4 else []

        await eventually(listed)
        params = {"item_code": "LAND-09", "limit": 2}
        first = await node.client.get("/v1/worklist", params=params, headers=REVIEWER)
        assert [r["case_id"] for r in first.json()] == ids[:2]
        assert first.json()[0]["status"] == "accepted" and first.json()[0]["status_zh"] == "已受理"
        rest = await node.client.get(
            "/v1/worklist",
            params={**params, "cursor": first.headers["Next-Cursor"]},
            headers=REVIEWER,
        )
        assert [r["case_id"] for r in rest.json()] == ids[2:] and "Next-Cursor" not in rest.headers
        by_no = await node.client.get(
            "/v1/worklist", params={"case_no": f"350500-{other}"}, headers=REVIEWER
        )
        assert [r["case_id"] for r in by_no.json()] == [other]
        wrong = {"accepted_from": "2026-12-01", "accepted_to": "2026-11-01"}
        refused = await node.client.get("/v1/worklist", params=wrong, headers=REVIEWER)
        assert refused.status_code == 422 and refused.json()["rule"] == "DateRangeReversed"


async def test_a_walk_of_the_worklist_loses_and_repeats_nothing_while_work_arrives(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    first = {f"w{n}": 3 + n for n in range(7)}  # case -> limit: deadlines in this order
    arriving = {"w-late-a": 20, "w-late-b": 21, "w-early": 1}
    async with running(settings) as node:
        await publish(settings, *[accepted(c, limit=days) for c, days in first.items()])

        async def counted(n: int) -> bool:
            response = await node.client.get(
                "/v1/worklist", params={"limit": 200}, headers=REVIEWER
            )
            return len(response.json()) == n

        await eventually(lambda: counted(7), within=2 * 7 + 10)
        walked: list[str] = []
        cursor: str | None = None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = await node.client.get("/v1/worklist", params=params, headers=REVIEWER)
            walked += [r["case_id"] for r in page.json()]
            if cursor is None:
                await publish(settings, *[accepted(c, limit=d) for c, d in arriving.items()])
                await eventually(lambda: counted(10), within=2 * 3 + 10)
            cursor = page.headers.get("Next-Cursor")
            if cursor is None:
                break
    # work due before the walk's position is on the next walk; none is seen twice or missed
    assert walked == [*first, "w-late-a", "w-late-b"]


async def test_the_worklist_is_searched_by_applicant_name_or_id_masked(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    mine, other = new_case_id(), new_case_id()
    async with running(settings) as node:
        await publish(settings, submitted(mine), accepted(mine), accepted(other, limit=2))

        async def both() -> list[dict[str, object]]:
            rows: list[dict[str, object]] = (
                await node.client.get("/v1/worklist", headers=REVIEWER)
            ).json()
            return rows if len(rows) == 2 else []

        await eventually(both)
        for applicant in ("张", "350500199001011234", " 350500199001011234 "):
            found = await node.client.get(
                "/v1/worklist", params={"applicant": applicant}, headers=REVIEWER
            )
            assert [r["case_id"] for r in found.json()] == [mine], applicant
            assert found.json()[0]["applicant_name"] == "张*"
            assert "350500199001011234" not in found.text
        paused = await node.client.post(
            f"/v1/cases/{other}/suspend",
            json={"procedure": "correction", "reason": "补正"},
            headers=REVIEWER,
        )
        assert paused.status_code == 200, paused.text
        for status, expected in (("suspended", [other]), ("accepted", [mine])):
            found = await node.client.get(
                "/v1/worklist", params={"status": status}, headers=REVIEWER
            )
            assert [r["case_id"] for r in found.json()] == expected, status
        nobody = await node.client.get(
            "/v1/worklist", params={"applicant": "350500199001011235"}, headers=REVIEWER
        )
        assert nobody.json() == []
        big = await node.client.get("/v1/worklist", params={"limit": 201}, headers=REVIEWER)
        assert big.status_code == 422 and big.json()["errors"][0]["field"] == "query.limit"
        other_department = staff("reviewer", "rev-b", department="water")
        assert (await node.client.get("/v1/worklist", headers=other_department)).json() == []
        asked = await node.client.get(
            "/v1/worklist", params={"department": "water"}, headers=REVIEWER
        )
        assert asked.status_code == 403

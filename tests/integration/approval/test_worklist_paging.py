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

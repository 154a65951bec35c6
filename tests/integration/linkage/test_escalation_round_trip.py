"""A county and a city, each its own broker and databases: 上报 up, the result down."""

from __future__ import annotations

import pytest

from tests.integration.linkage.harness import (
    CITY,
    COUNTY,
    accept_case,
    decide_above,
    node,
    pre_review,
    publish_item,
    staff,
    work,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


async def test_one_reported_case_goes_up_is_decided_and_comes_back(databases, tmp_path) -> None:
    async with (
        node(CITY, databases, tmp_path) as city,
        node(COUNTY, databases, tmp_path, parent=city) as county,
    ):
        await publish_item(county)
        case_id = await accept_case(county)
        await pre_review(county, case_id, wait=True)
        above = await eventually(lambda: work(city, case_id), within=60)
        assert (above["center"], above["held_at"], above["step"]) == (COUNTY, CITY, "review")
        await decide_above(city, case_id)
        back = await eventually(lambda: _delivered(county, case_id), within=60)
        assert back["decision"]["outcome"] == "approved"
        sealed = await county.http["approval"].get(
            f"/v1/cases/{case_id}/decision", headers=staff("reviewer", COUNTY)
        )
        assert sealed.status_code == 200, sealed.text
        body = sealed.json()
        assert body["document"]["issued_by_center"] == CITY
        verdict = await county.http["approval"].post(
            "/v1/seals/verify",
            json={"document": body["document"], "pdf": body["pdf"], "seal": body["seal"]},
        )
        assert verdict.json()["genuine"], verdict.json()
        assert len(county.sink.sent) == 1 and city.sink.sent == []
        links = await county.linkage.links()
        assert links[CITY]["state"] == "up" and links[CITY]["backlog"] == 0


async def _delivered(at, case_id):
    item = await work(at, case_id)
    return item if item and item["delivered"] else None

"""The catalogue over HTTP: versions, validation as problem+json, item_published CloudEvents."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.intake.harness import ADMIN, CLERK, ITEM, Intake, types

pytestmark = pytest.mark.integration


async def test_publishing_versions_an_item_and_keeps_every_version(intake: Intake) -> None:
    first = await intake.http.put("/v1/catalog/items/SCJG-003", json=ITEM, headers=ADMIN)
    assert first.status_code == 201 and first.json()["version"] == 1
    same = await intake.http.put("/v1/catalog/items/SCJG-003", json=ITEM, headers=ADMIN)
    assert same.status_code == 200 and same.json()["version"] == 1
    cut = {**ITEM, "promised_limit_days": 7}
    second = await intake.http.put("/v1/catalog/items/SCJG-003", json=cut, headers=ADMIN)
    assert second.status_code == 201 and second.json()["version"] == 2

    current = (await intake.http.get("/v1/catalog/items/SCJG-003")).json()
    assert current["version"] == 2 and current["promised_limit_days"] == 7
    old = (await intake.http.get("/v1/catalog/items/SCJG-003?version=1")).json()
    assert old["promised_limit_days"] == 10
    versions = (await intake.http.get("/v1/catalog/items/SCJG-003/versions")).json()
    assert [v["version"] for v in versions] == [1, 2]
    listed = (await intake.http.get("/v1/catalog/items?department=SCJG&online=true")).json()
    assert [(i["code"], i["version"]) for i in listed] == [("SCJG-003", 2)]
    assert (await intake.http.get("/v1/catalog/items?kind=joint")).json() == []

    events = [e for e in await intake.events(expect=2) if e.name == "catalog.item_published"]
    assert [e.data["version"] for e in events] == [1, 2]
    assert events[0].subject == "item-SCJG-003" and events[0].source == "/centers/350500/intake"
    assert [m["code"] for m in events[0].data["materials"]] == [
        m["code"] for m in ITEM["materials"]
    ]
    assert types(events) == ["catalog.item_published"] * 2


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"promised_limit_days": 30}, "PromisedLimitMayNotExceedLegalLimit"),
    (
        {"materials": [*ITEM["materials"], {"code": "APP", "name": "x"}]},
        "MaterialCodesMustBeUnique",
    ),
    (
        {"materials": [{"code": "K", "name": "k", "required": False, "key": True}]},
        "KeyMaterialMustBeRequired",
    ),
    (
        {
            "kind": "joint",
            "lead_department": "GHJ",
            "departments": [{"department": "SCJG", "limit_days": 5}],
        },
        "JointLeadMustBeAmongDepartments",
    ),
    ({"kind": "reported"}, "ReportedItemMustNameDecidingCenter"),
]


async def test_invalid_items_are_refused_with_the_rule(intake: Intake) -> None:
    for changes, rule in INVALID:
        response = await intake.http.put(
            "/v1/catalog/items/SCJG-003", json={**ITEM, **changes}, headers=ADMIN
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["rule"] == rule and response.json()["detail"]
    assert (await intake.http.get("/v1/catalog/items/SCJG-003")).status_code == 404


async def test_only_an_administrator_publishes_and_bad_input_is_a_422(intake: Intake) -> None:
    as_clerk = await intake.http.put("/v1/catalog/items/X-1", json=ITEM, headers=CLERK)
    assert as_clerk.status_code == 403
    anonymous = await intake.http.put("/v1/catalog/items/X-1", json=ITEM)
    assert anonymous.status_code == 401
    missing = await intake.http.put("/v1/catalog/items/X-1", json={"name": "x"}, headers=ADMIN)
    assert missing.status_code == 422 and "legal_limit_days" in missing.json()["detail"]
    bad_kind = await intake.http.put(
        "/v1/catalog/items/X-1", json={**ITEM, "kind": "urgent"}, headers=ADMIN
    )
    assert bad_kind.status_code == 422
    bad_code = await intake.http.put("/v1/catalog/items/%20x", json=ITEM, headers=ADMIN)
    assert bad_code.status_code == 422
    garbage = await intake.http.put(
        "/v1/catalog/items/X-1",
        content=b"{not json",
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert garbage.status_code == 422
    unknown = await intake.http.get("/v1/catalog/items/NOPE")
    assert unknown.status_code == 404 and unknown.json()["rule"] == "UnknownItem"

"""Art. 32 on the wall screen (a submission about to count as accepted), and lights by page."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from tests.integration.supervision.harness import SUPERVISOR, Service
from tests.unit.supervision.given import CAL, accepted, bj, submitted

pytestmark = pytest.mark.integration


async def test_the_window_is_warned_until_the_case_counts_as_accepted(service: Service) -> None:
    received = bj(2026, 9, 16, 9)
    deemed_at = CAL.deadline(received, 5).at
    warning = s.CaseAcceptanceDue(
        case_id="c1",
        center="350500",
        case_no="NO-c1",
        department="SCJG",
        item_name="食品经营许可",
        received_at=received,
        deemed_at=deemed_at,
        warned_at=bj(2026, 9, 22, 9),
    )
    await service.publish(submitted("c1", received), warning)
    board = await service.get("/v1/board")
    [due] = board["acceptance_due"]
    assert (due["case_id"], due["deemed_at"]) == ("c1", deemed_at.isoformat())
    timeline = await service.get("/v1/cases/c1/timeline")
    assert any("第三十二条" in e["text"] for e in timeline["entries"])
    deemed = accepted("c1", received, 10).model_copy(
        update={"cause": "deemed_art32", "accepted_by": "system:art32"}
    )
    await service.publish(deemed)
    assert (await service.get("/v1/board"))["acceptance_due"] == []
    timeline = await service.get("/v1/cases/c1/timeline")
    assert any(
        "视为受理" in e["text"] and e["type"].endswith("accepted.v1") for e in timeline["entries"]
    )


async def test_lights_come_in_pages_and_filter_by_item(service: Service) -> None:
    at = bj(2026, 9, 16, 9)
    events = []
    for n in range(3):
        events += [submitted(f"p{n}", at, item="SP-9"), accepted(f"p{n}", at, 10 + n, item="SP-9")]
    await service.publish(*events, submitted("q", at), accepted("q", at, 10))
    first = await service.http.get(
        "/v1/lights", params={"item_code": "SP-9", "limit": 2}, headers=SUPERVISOR
    )
    assert [light["case_id"] for light in first.json()] == ["p0", "p1"]
    rest = await service.get(
        "/v1/lights", item_code="SP-9", limit=2, cursor=first.headers["Next-Cursor"]
    )
    assert [light["case_id"] for light in rest] == ["p2"]
    assert rest[0]["status"] == "accepted" and rest[0]["status_zh"] == "已受理"

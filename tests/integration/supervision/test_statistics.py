"""Statistics over HTTP against hand-computed figures; scope by center tree and department."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from tests.integration.supervision.harness import Service
from tests.support.services import bearer
from tests.unit.supervision.given import accepted, bj, decided, submitted

pytestmark = pytest.mark.integration
SEPTEMBER = {"from": "2026-09-01", "to": "2026-09-30"}


async def a_month_of_cases(service: Service) -> None:
    t = bj(2026, 9, 16, 10)
    await service.publish(
        submitted("a", t),
        accepted("a", t, 10),
        decided("a", bj(2026, 9, 18, 10)),  # early
        submitted("b", t),
        accepted("b", t, 3),
        decided("b", bj(2026, 9, 20, 16)),  # on time
        submitted("c", t),
        accepted("c", t, 1),
        decided("c", bj(2026, 9, 22, 10)),  # overdue
        submitted("d", t),
        accepted("d", t, 10),  # open
        submitted("e", t),  # received only
    )
    county = bj(2026, 9, 17, 10)
    await service.publish(
        submitted("f", county, center="350521"),
        accepted("f", county, 5, center="350521"),
        s.CaseEscalated(case_id="f", center="350521", to_center="350500", escalated_at=county),
        decided("f", bj(2026, 9, 18, 10), center="350521"),  # early, counted once
        submitted("g", county, center="350600"),  # another city: not ours
    )
    service.clock.set(bj(2026, 10, 1, 10))


async def test_hand_computed_figures_with_child_centers(service: Service) -> None:
    await a_month_of_cases(service)
    stats = await service.get("/v1/stats", **SEPTEMBER, as_of="2026-10-01T00:00:00+08:00")
    assert (stats["received"], stats["accepted"], stats["completed"]) == (6, 5, 4)
    assert (stats["early"], stats["on_time"], stats["overdue"]) == (2, 3, 1)
    assert stats["on_time_rate"] == 0.75  # 3 within the limit / 4 completed
    assert stats["early_rate"] == 0.5  # 2 early / 4 completed
    assert "÷ 本期办结件数" in stats["definitions"]["on_time_rate"]
    # Limit used (limit - remaining at completion): a 1.42, b 2.67, c 4.42 (overdue), f 0.42.
    assert stats["average_working_days"] == 2.23
    assert stats["average_promised_days"] == 4.75  # (10 + 3 + 1 + 5) / 4
    by_center = await service.get("/v1/stats", **SEPTEMBER, group_by="center")
    assert [(g["center"], g["accepted"]) for g in by_center["groups"]] == [
        ("350500", 4),
        ("350521", 1),
    ]
    county = await service.get("/v1/stats", **SEPTEMBER, center="350521")
    assert (county["received"], county["completed"], county["early"]) == (1, 1, 1)


async def test_as_of_reproduces_the_report_of_a_past_instant(service: Service) -> None:
    await a_month_of_cases(service)
    service.clock.set(bj(2026, 10, 9, 12))
    await service.publish(decided("d", bj(2026, 9, 29, 10)))  # reported late
    then = await service.get("/v1/stats", **SEPTEMBER, as_of="2026-10-01T00:00:00+08:00")
    now = await service.get("/v1/stats", **SEPTEMBER)
    assert (then["completed"], now["completed"]) == (4, 5)


async def test_departments_see_their_own_and_county_supervisors_their_county(
    service: Service,
) -> None:
    await a_month_of_cases(service)
    other = bearer("clerk", center="350500", department="GTJ")
    assert (await service.get("/v1/stats", headers=other, **SEPTEMBER))["received"] == 0
    county = bearer("supervisor", center="350521")
    stats = await service.get("/v1/stats", headers=county, **SEPTEMBER)
    assert stats["received"] == 1
    lights = await service.get("/v1/lights", headers=county)
    assert {x["case_id"] for x in lights} == {"f"}
    denied = await service.http.get("/v1/cases/a", headers=county)
    assert denied.status_code == 404


async def test_ranking_and_trend(service: Service) -> None:
    await a_month_of_cases(service)
    ranking = await service.get("/v1/ranking", **SEPTEMBER)
    assert [(r["rank"], r["center"], r["department"]) for r in ranking] == [
        (1, "350521", "SCJG"),
        (2, "350500", "SCJG"),
    ]
    assert ranking[1]["score"] == 66.67  # 2 of 3 completed within the limit
    trend = await service.get("/v1/stats/trend", days=3)
    assert len(trend) == 3 and {"day", "on_time_rate", "early_rate"} <= set(trend[0])

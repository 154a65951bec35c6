"""Anomalies published with their evidence; the live feed of light changes, scoped."""

from __future__ import annotations

import pytest

from libs.events.auth import Principal, Role
from services.supervision.adapters.light_feed import changes_after
from services.supervision.application.scope import scope_of
from tests.integration.supervision.harness import Service
from tests.support.instants import instants, not_in_beijing
from tests.unit.supervision.given import accepted, bj, decided, submitted

pytestmark = pytest.mark.integration


async def test_each_anomaly_is_published_once_with_its_evidence(service: Service) -> None:
    t = bj(2026, 9, 16, 10)
    await service.publish(submitted("c1", t), decided("c1", bj(2026, 9, 18), department="GTJ"))
    await service.publish(decided("c1", bj(2026, 9, 19), department="GTJ"))  # again: no repeat
    found = await service.supervision_events(expect=3, within=3)
    anomalies = [e for e in found if e.type == "onewindow.anomaly.detected.v1"]
    assert sorted(e.data["rule"] for e in anomalies) == [
        "DecidedOutsideDepartment",
        "DecisionWithoutAcceptance",
    ]
    outside = next(e for e in anomalies if e.data["rule"] == "DecidedOutsideDepartment")
    assert outside.data["evidence"]["decider_department"] == "GTJ"
    assert outside.data["evidence"]["title"] == "非本部门人员作出决定"
    listed = await service.get("/v1/anomalies")
    assert {a["case_id"] for a in listed} == {"c1"} and len(listed) == 2
    assert instants(listed) and not_in_beijing(listed) == []  # the evidence's instants too


async def test_the_feed_resumes_after_a_position_and_keeps_to_the_scope(service: Service) -> None:
    t = bj(2026, 9, 16, 10)
    await service.publish(accepted("c1", t, 10), accepted("c2", t, 10, center="350521"))
    county = scope_of(Principal(sub="s", role=Role.supervisor, center="350521"), service.sv.tree)
    city = scope_of(Principal(sub="s", role=Role.supervisor, center="350500"), service.sv.tree)
    async with service.engine.connect() as conn:
        position, seen = await changes_after(conn, 0, city)
        _, county_seen = await changes_after(conn, 0, county)
        _, after = await changes_after(conn, position, city)
    assert sorted(d["case_id"] for _, _, d in seen) == ["c1", "c2"]
    assert [d["case_id"] for _, _, d in county_seen] == ["c2"]
    assert after == []

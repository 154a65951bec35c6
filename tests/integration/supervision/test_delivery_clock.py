"""行政许可法 art. 44 over HTTP: a granted licence has a delivery clock with its own light."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from tests.integration.supervision.harness import Service
from tests.unit.supervision.given import CENTER, accepted, bj, decided, submitted

pytestmark = pytest.mark.integration


async def test_the_delivery_clock_turns_red_and_stops_when_delivered(service: Service) -> None:
    t = bj(2026, 9, 16, 10)
    await service.publish(submitted("g", t), accepted("g", t, 10), decided("g", bj(2026, 9, 18)))
    light = await service.get("/v1/cases/g/light")
    assert light["outcome"] == "early" and light["parts"] == []
    assert light["delivery"]["color"] == "green" and light["delivery"]["due_day"] == "2026-10-09"
    await service.tick(bj(2026, 10, 12, 10))  # nobody delivered it: art. 44 overrun
    late = await service.get("/v1/cases/g/light")
    assert late["delivery"]["color"] == "red" and late["color"] != "red"
    reds = await service.get("/v1/lights", color="red")
    assert [(x["case_id"], x["part"]) for x in reds] == [("g", "delivery")]
    delivered = s.CaseDelivered(
        case_id="g", center=CENTER, channel="sms", delivered_at=bj(2026, 10, 12, 11)
    )
    await service.publish(delivered)
    done = await service.get("/v1/cases/g/light")
    assert done["delivery"]["outcome"] == "overdue" and done["delivery"]["completed_at"]

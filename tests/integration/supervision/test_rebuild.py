"""`onewindow supervision rebuild` replays everything into a fresh projection: the same state."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

from services.cli import main
from services.supervision.adapters.rebuild import snapshot
from services.supervision.adapters.tables import supervised_cases
from tests.integration.supervision.harness import SUPERVISOR, Service
from tests.support.services import bearer
from tests.unit.supervision.given import (
    accepted,
    bj,
    decided,
    joint_started,
    notice,
    resumed,
    submitted,
    supplemented,
    suspended,
)

pytestmark = pytest.mark.integration
APPLICANT = bearer("applicant", sub="11010519491231002X", center=None)
SCJG_CLERK = bearer("clerk", sub="clerk-9", center="350500", department="SCJG")


async def a_busy_month(service: Service) -> None:
    """Cases of every shape, ticks, warnings, anomalies, loops."""
    t = bj(2026, 9, 16, 10)
    first = accepted("c1", t, 10)
    pause = suspended("c1", bj(2026, 9, 21, 15))
    await service.publish(
        submitted("c1", bj(2026, 9, 16, 9), missing=("LAY",)),
        supplemented("c1", ("LAY",)),
        first,
        pause,
    )
    await service.publish(
        resumed("c1", bj(2026, 9, 23, 11), since=pause.suspended_at, before=first)
    )
    await service.publish(
        accepted("c2", t, 3, center="350521"),
        joint_started("c2", t, {"GH": 3, "ZJ": 10}, center="350521"),
    )
    await service.publish(submitted("c3", t, missing=("LAY",)), notice("c3", ("LIC",), 2))
    await service.publish(
        submitted("c4", t), accepted("c4", t, 5), decided("c4", bj(2026, 9, 18, 16))
    )
    await service.publish(submitted("c5", t), decided("c5", bj(2026, 9, 18, 16), department="GTJ"))
    await service.tick(bj(2026, 9, 29, 9))
    await service.tick(bj(2026, 10, 8, 9))
    await service.tick(bj(2026, 10, 12, 9))
    opinion = await service.http.post(
        "/v1/opinions",
        json={"department": "SCJG", "text": "请说明 c1 超时原因", "case_id": "c1"},
        headers=SUPERVISOR,
    )
    assert opinion.status_code == 201, opinion.text
    answered = await service.http.post(
        f"/v1/opinions/{opinion.json()['opinion_id']}/answer",
        json={"answer": "已督促办理"},
        headers=SCJG_CLERK,
    )
    assert answered.status_code == 200, answered.text
    complaint = await service.http.post(
        "/v1/complaints", json={"case_id": "c4", "text": "窗口态度差"}, headers=APPLICANT
    )
    assert complaint.status_code == 201, complaint.text
    rating = await service.http.post(
        "/v1/ratings", json={"case_id": "c4", "score": 1, "comment": "慢"}, headers=APPLICANT
    )
    assert rating.status_code == 201, rating.text
    notice_ = await service.http.post(
        "/v1/notices", json={"department": "SCJG", "text": "整改体外循环"}, headers=SUPERVISOR
    )
    assert notice_.status_code == 201, notice_.text


async def test_a_rebuild_ends_with_exactly_the_same_projection(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    await a_busy_month(service)
    async with service.engine.connect() as conn:
        live = await snapshot(conn)
    # five case clocks and the delivery clock (art. 44) of c4, granted and not yet delivered
    assert len(live["lights"]) == 6 and len(live["anomalies"]) == 3
    assert {r[1] for r in live["anomalies"]} == {
        "DecisionWithoutAcceptance",
        "DecidedOutsideDepartment",
        "SecondNoticeNamesVisibleMaterial",
    }
    command = ["supervision", "rebuild", "--database-url", service.settings.database_url]
    assert await asyncio.to_thread(main, command) == 0  # the CLI runs its own event loop
    async with service.engine.connect() as conn:
        rebuilt = await snapshot(conn)
    assert rebuilt == live
    dry_run = [*command, "--dry-run"]
    assert await asyncio.to_thread(main, dry_run) == 0
    assert "identical to the projection before" in capsys.readouterr().out
    async with service.engine.begin() as conn:  # one fact the events do not say
        await conn.execute(update(supervised_cases).values(item_name="改过"))
    assert await asyncio.to_thread(main, dry_run) == 0
    assert "differs from before" in capsys.readouterr().out
    board = await service.get("/v1/board")
    assert board["totals"] == {"green": 0, "yellow": 0, "red": 2}

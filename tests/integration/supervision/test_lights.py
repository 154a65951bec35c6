"""Lights projected from case events, moved by the clock alone, each transition published once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

import pytest

from libs.events import contract as s
from libs.events.clock import FixedClock
from services.supervision.application.tick import tick
from services.supervision.config import Settings
from tests.integration.supervision.harness import Service, running
from tests.unit.supervision.given import (
    CENTER,
    accepted,
    bj,
    decided,
    joint_started,
    resumed,
    submitted,
    suspended,
)

pytestmark = pytest.mark.integration


def transitions(events: list[s.Event]) -> list[tuple[str, str]]:
    return [
        (e.data["case_id"], e.data.get("color") or e.data.get("rung"))  # type: ignore[attr-defined]
        for e in events
    ]


async def test_a_case_turns_yellow_then_red_through_the_holidays_with_nobody_touching_it(
    service: Service,
) -> None:
    acceptance = accepted("c1", bj(2026, 9, 16, 9, 30), 10)  # due Wednesday 30 September
    await service.publish(submitted("c1", bj(2026, 9, 16, 9)), acceptance)
    light = await service.get("/v1/cases/c1/light")
    assert light["color"] == "green" and light["remaining"] == 10.62

    assert (await service.tick(bj(2026, 9, 27, 12))).events == 0  # a holiday Sunday: still green
    yellow = await service.tick(bj(2026, 9, 29, 9))
    assert (yellow.cases, yellow.events) == (1, 2)  # light.changed and the yellow rung
    assert (await service.tick(bj(2026, 9, 29, 10))).cases == 0  # nothing due: nothing touched
    assert (await service.tick(bj(2026, 10, 8, 9))).events == 2  # red, and its rung
    assert (await service.tick(bj(2026, 10, 10, 9))).events == 1  # red + 2 working days: the head

    light = await service.get("/v1/cases/c1/light")
    assert light["color"] == "red" and light["remaining"] == -2.38
    found = await service.supervision_events(expect=6)
    assert [e.type for e in found] == [
        "onewindow.light.changed.v1",
        "onewindow.light.changed.v1",
        "onewindow.light.warning_issued.v1",
        "onewindow.light.changed.v1",
        "onewindow.light.warning_issued.v1",
        "onewindow.light.warning_issued.v1",
    ]
    colors = [e.data["color"] for e in found if e.type.endswith("changed.v1")]
    assert colors == ["green", "yellow", "red"]
    red = next(e for e in found if e.data.get("color") == "red")
    assert red.data["at"].startswith("2026-09-30T15:59:59.000001") and red.subject == "light-c1"
    assert red.center == CENTER and red.source == "/centers/350500/supervision"
    recipients = [r for r, _ in service.notifier.sent]
    assert recipients.count("department:350500/SCJG") == 3
    assert "department-head:350500/SCJG" in recipients


async def test_notifications_wait_for_working_hours(service: Service) -> None:
    await service.publish(accepted("c1", bj(2026, 9, 29, 10), 1))  # due Wednesday 30th
    await service.tick(bj(2026, 10, 1, 10))  # red on National Day: nobody at work
    assert service.notifier.sent == []
    await service.tick(bj(2026, 10, 8, 8, 59))
    assert service.notifier.sent == []
    await service.tick(bj(2026, 10, 8, 9))
    assert len(service.notifier.sent) == 3  # yellow to the window; red to the window and supervisor
    assert "超时警告" in service.notifier.sent[-1][1]


async def test_exactly_one_event_per_transition_across_restarts_and_concurrent_ticks(
    settings: Settings, clock: FixedClock
) -> None:
    async with running(settings, clock) as first:
        await first.publish(accepted("c1", bj(2026, 9, 16, 10), 10))
        await first.tick(bj(2026, 9, 29, 9))
    async with running(settings, clock) as second, running(settings, clock) as third:
        # Two processes on one database tick the same instants at once.
        for at in (bj(2026, 9, 29, 9), bj(2026, 10, 8, 9), bj(2026, 10, 8, 9)):
            clock.set(at)
            await asyncio.gather(tick(second.sv), tick(third.sv))
        found = await second.supervision_events(expect=7, within=3)
    assert Counter(transitions(found)) == {
        ("c1", "green"): 1,
        ("c1", "yellow"): 2,  # the light turned yellow once; the yellow rung fired once
        ("c1", "red"): 2,
    }


async def test_a_pause_freezes_the_light_and_moves_the_deadline(service: Service) -> None:
    acceptance = accepted("c1", bj(2026, 9, 16, 10), 10)
    pause = suspended("c1", bj(2026, 9, 21, 15))
    await service.publish(acceptance, pause)
    assert (await service.tick(bj(2026, 10, 8, 9))).events == 0  # past the old deadline: frozen
    paused = await service.get("/v1/cases/c1/light")
    assert paused["color"] == "green" and paused["status"] == "suspended"
    await service.publish(
        resumed("c1", bj(2026, 10, 8, 9), since=pause.suspended_at, before=acceptance)
    )
    light = await service.get("/v1/cases/c1/light")
    assert light["deadline"].startswith("2026-10-15T23:59:59+08:00")  # 7 working days later
    assert light["color"] == "green"
    earlier = await service.get("/v1/lights", at="2026-09-30T12:00:00+08:00")
    assert [(x["case_id"], x["color"], x["paused"]) for x in earlier] == [("c1", "green", True)]


async def test_a_completed_case_keeps_its_last_light_and_records_its_outcome(
    service: Service,
) -> None:
    await service.publish(accepted("c1", bj(2026, 9, 16, 10), 10))
    await service.tick(bj(2026, 9, 29, 9))
    service.clock.set(bj(2026, 9, 30, 16))
    delivered = s.CaseDelivered(
        case_id="c1", center="350500", channel="sms", delivered_at=bj(2026, 9, 30, 17)
    )
    await service.publish(decided("c1", bj(2026, 9, 30, 16)), delivered)  # art. 44 clock stops
    assert (await service.tick(bj(2026, 10, 20, 9))).events == 0
    light = await service.get("/v1/cases/c1/light")
    assert (light["color"], light["outcome"], light["status"]) == ("yellow", "on_time", "approved")
    assert light["delivered"] is True  # delivery is a fact of its own, not a status
    assert light["delivery"]["outcome"] == "early"  # delivered within art. 44's 10 days
    case = await service.get("/v1/cases/c1")
    assert case["outcome"] == "on_time" and case["used_days"] == pytest.approx(9.67, abs=0.01)


async def test_joint_parts_each_have_a_light_and_the_stage_shows_the_worst(
    service: Service,
) -> None:
    start = bj(2026, 9, 16, 10)
    await service.publish(
        accepted("c1", start, 10), joint_started("c1", start, {"GH": 3, "ZJ": 10})
    )
    await service.tick(bj(2026, 9, 21, 9))  # GH was due on the adjusted Sunday 20th
    light = await service.get("/v1/cases/c1/light")
    parts = {p["department"]: p["color"] for p in light["parts"]}
    assert parts == {"GH": "red", "ZJ": "green"} and light["color"] == "green"
    assert light["stage"] == {"name": "立项", "color": "red"}
    reds = await service.get("/v1/lights", color="red")
    assert [(x["case_id"], x["part"]) for x in reds] == [("c1", "立项/GH")]


async def test_the_timeline_explains_the_colour_in_plain_chinese(service: Service) -> None:
    acceptance = accepted("c1", bj(2026, 9, 16, 10), 10)
    pause = suspended("c1", bj(2026, 9, 21, 15))
    await service.publish(submitted("c1", bj(2026, 9, 16, 9)), acceptance, pause)
    await service.publish(
        resumed("c1", bj(2026, 9, 23, 11), since=pause.suspended_at, before=acceptance)
    )
    await service.tick(bj(2026, 10, 8, 9))
    timeline = await service.get("/v1/cases/c1/timeline")
    texts = [e["text"] for e in timeline["entries"]]
    assert texts[0].startswith("窗口收件")
    assert any("暂停计时：补正材料" in t for t in texts)
    assert any("暂停占用 2 个工作日" in t for t in texts)
    assert any(t.startswith("临界预警") for t in texts)
    assert "暂停共 2 个工作日不计时" in timeline["explanation"]
    assert timeline["explanation"].endswith("故为黄灯（临界预警）。")


async def test_a_loaded_calendar_year_moves_a_provisional_deadline_and_the_ledger_says_why(
    service: Service,
) -> None:
    service.clock.set(bj(2026, 12, 28, 10))
    acceptance = accepted("c1", bj(2026, 12, 28, 10), 4)  # runs into 2027: provisional
    assert acceptance.provisional and str(acceptance.due_day) == "2027-01-01"
    await service.publish(acceptance)
    loaded = s.CalendarYearLoaded(
        year=2027, holidays=[date(2027, 1, 1), date(2027, 1, 4)], workdays=[]
    )
    # Intake's report of the move; supervision derives the same day from the loaded year.
    moved = s.CaseDeadlineChanged(
        case_id="c1",
        center=CENTER,
        deadline=bj(2027, 1, 5, 23, 59, 59),
        due_day=date(2027, 1, 5),
        provisional=False,
        cause="calendar",
    )
    await service.publish(loaded, moved)
    light = await service.get("/v1/cases/c1/light")
    assert light["deadline"].startswith("2027-01-05T23:59:59+08:00")
    ticked = await service.tick(bj(2027, 1, 4, 12))  # a loaded holiday: one working day left
    assert (ticked.events, ticked.notified) == (2, 0)  # yellow and its rung; nobody at work
    timeline = await service.get("/v1/cases/c1/timeline")
    texts = [e["text"] for e in timeline["entries"]]
    assert any(t.startswith("办结期限官方节假日安排更新，重新计算为 2027-01-05") for t in texts)
    assert "按周一至周五暂算" in texts[0]

"""Projects through their stages, each a joint case with parallel parts (并联审批), end to end.

Intake accepts at the lead's window, approval runs the parts, supervision lights and counts them;
PostgreSQL and the broker are real.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from tests.integration.approval.harness import admin, names, topic_events
from tests.integration.approval.joint_harness import ITEMS, Trio, agent, member, trio
from tests.integration.supervision.harness import SUPERVISOR
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

CALENDAR = WorkCalendar()
START = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # a Monday, no holiday for weeks
FW = ["BL-FW-1", "BL-FW-2", "BL-FW-3", "BL-FW-4", "BL-FW-5"]
ORDERS = [  # each stage's parts decided in another order, the lead first, last or between
    ["GTJ", "HBJ", "FGW"],
    ["GHJ", "GTJ"],
    ["RFB", "HBJ", "GHJ", "XFJ"],
    ["XFJ", "ZJJ", "RFB"],
    ["HBJ", "XFJ", "GHJ", "ZJJ"],
]


def day(n: int, hour: int = 10) -> datetime:
    """The n-th working day after START, at `hour`."""
    return datetime.combine(CALENDAR.add_working_days(START.date(), n), START.time()).replace(
        hour=hour, tzinfo=SHANGHAI
    )


async def test_a_project_runs_five_stages_with_parallel_parts_in_any_order(
    databases: Any, broker: Any, tmp_path: Any
) -> None:
    async with trio(databases, broker, tmp_path, START) as t:
        await t.publish_items(*FW)
        await t.define_series("FW", "房屋建筑及市政基础设施工程", FW)
        project_id = await t.new_project("FW", "泉州市某安置房项目")
        cases = []
        for n, (code, order) in enumerate(zip(FW, ORDERS, strict=True)):
            cases.append(await _stage(t, project_id, code, order, first_day=5 * n))
        project = await t.project(project_id)
        assert project["status"] == "approved"
        assert [s["elapsed_days"] for s in project["stages"]] == [2, 1, 2, 2, 2]
        assert project["elapsed_days"] == 9
        assert {s["result_to"] for s in project["stages"]} == {"agent-1"}
        await _events_in_order(t, project_id)
        await _supervision_counts(t, cases)


async def _stage(t: Trio, project_id: str, code: str, order: list[str], first_day: int) -> str:
    """File, accept, then decide the parts in `order`: two a day, from the next working day."""
    t.clock.set(day(first_day, 9))
    case_id = await t.file_stage(project_id, code)
    case = await t.accept(case_id, code)
    item = ITEMS[code]
    limits = {p["department"]: p["limit_days"] for p in item["departments"]}
    parts = {p["department"]: p for p in case["joint"]["parts"]}
    accepted_at = datetime.fromisoformat(case["joint"]["started_at"])
    assert set(parts) == set(limits)
    for department, limit in limits.items():  # 同步启动: one instant, each its own limit
        assert (
            datetime.fromisoformat(parts[department]["deadline"])
            == CALENDAR.deadline(accepted_at, limit).at
        )
    worklist = await t.approval.client.get("/v1/worklist", headers=member("reviewer", order[0]))
    assert case_id in [w["case_id"] for w in worklist.json()]
    for i, department in enumerate(order):
        await t.decide_part(case_id, department, at=day(first_day + 1 + i // 2))
        lead = await t.case(case_id, item["lead_department"])
        assert lead is not None
        assert lead["joint"]["waiting_on"] == [d for d in limits if d not in order[: i + 1]]
    done = await t.project(project_id)
    stage = next(s for s in done["stages"] if s["case_id"] == case_id)
    assert stage["status"] == "approved" and stage["on_time"] is True
    return case_id


async def _events_in_order(t: Trio, project_id: str) -> None:
    expected = ["project.created", "project.agent_appointed"]
    expected += ["project.stage_requested", "project.stage_started", "project.stage_completed"] * 5
    expected += ["project.completed"]

    async def published() -> list[Any]:
        found = await topic_events(t.approval.settings, f"project:{project_id}")
        return found if len(found) >= len(expected) else []

    envelopes = await eventually(published)
    assert names(envelopes) == expected
    assert [e.sequence for e in envelopes] == list(range(1, len(expected) + 1))


async def _supervision_counts(t: Trio, cases: list[str]) -> None:
    async def counted() -> list[Any]:
        stats = await t.supervision.get("/v1/projects/stats", SUPERVISOR, series="FW")
        return stats if stats and stats[0]["approved"] == 1 else []

    stats = (await eventually(counted))[0]
    assert stats["average_elapsed_days"] == 9
    assert [s["average_elapsed_days"] for s in stats["stages"]] == [2, 1, 2, 2, 2]
    assert {d["department"]: d["on_time_rate"] for d in stats["departments"]} == dict.fromkeys(
        ["FGW", "GHJ", "GTJ", "HBJ", "RFB", "XFJ", "ZJJ"], 1.0
    )
    light = await t.supervision.get(f"/v1/cases/{cases[0]}/light", SUPERVISOR)
    assert {p["department"] for p in light["parts"]} == {"FGW", "GTJ", "HBJ"}
    assert {p["outcome"] for p in light["parts"]} == {"early"}


async def test_a_paused_part_waits_while_the_others_go_on_and_a_denial_ends_the_stage(
    databases: Any, broker: Any, tmp_path: Any
) -> None:
    async with trio(databases, broker, tmp_path, START) as t:
        await t.publish_items("BL-FW-1", "BL-FW-4")
        await t.define_series("FW", "房屋建筑及市政基础设施工程", ["BL-FW-4", "BL-FW-1"])
        project_id = await t.new_project("FW", "泉州市某商业综合体")
        case_id = await t.file_stage(project_id, "BL-FW-4")
        case = await t.accept(case_id, "BL-FW-4")
        with pytest.raises(AssertionError, match="StagesRunInOrder"):
            await t.file_stage(project_id, "BL-FW-1")  # stage 2 before stage 1 completed
        path = f"/v1/cases/{case_id}"
        t.clock.set(day(1))
        paused = await t.approval.client.post(
            f"{path}/suspend",
            json={"procedure": "correction", "reason": "补正消防设计文件"},
            headers=member("reviewer", "RFB"),
        )
        assert paused.status_code == 200, paused.text
        refused = await t.approval.client.post(
            f"{path}/review", json={"opinion": "approve"}, headers=member("reviewer", "RFB")
        )
        assert (refused.status_code, refused.json()["rule"]) == (409, "PausedPartsWait")
        await t.decide_part(case_id, "ZJJ", at=day(2))  # the others go on
        extended = await t.approval.client.post(
            f"{path}/extend", json={"days": 2, "reason": "复杂"}, headers=member("approver", "ZJJ")
        )
        assert extended.json()["rule"] == "JointPartsHaveTheirOwnClocks"
        t.clock.set(day(3))
        supplied = await t.approval.client.post(  # the agent answers the 补正 for the applicant
            f"/v1/projects/{project_id}/supplements",
            json={"stage": "S1", "department": "RFB", "materials": ["AQCS"]},
            headers=agent(),
        )
        assert supplied.status_code == 200, supplied.text
        stage = supplied.json()["stages"][0]
        assert stage["supplements"][0]["on_behalf_of"] == "泉州某建设发展有限公司"
        assert stage["supplements"][0]["at"].endswith("+08:00")  # answers speak Beijing time
        rfb = next(p for p in stage["joint"]["parts"] if p["department"] == "RFB")
        before = next(p for p in case["joint"]["parts"] if p["department"] == "RFB")
        assert rfb["pauses"][0]["working_days"] == 2
        assert datetime.fromisoformat(rfb["deadline"]) > datetime.fromisoformat(before["deadline"])
        denied = await t.decide_part(case_id, "XFJ", "denied", at=day(4))
        assert denied["status"] == "denied"  # the shared status vocabulary
        assert denied["decision"]["outcome"] == "denied"
        assert denied["joint"]["denied_by"] == "XFJ"
        assert {p["department"]: p["status"] for p in denied["joint"]["parts"]} == {
            "ZJJ": "approved",
            "XFJ": "denied",
            "RFB": "closed",
        }
        sealed = await t.approval.client.get(f"{path}/decision", headers=member("approver", "XFJ"))
        assert sealed.status_code == 200, sealed.text
        document = sealed.json()["document"]
        assert (document["decision"], document["department"]) == ("denied", "ZJJ")  # the lead's
        assert document["reasons"] == "XFJ: 不符合消防技术标准"
        body = {k: sealed.json()[k] for k in ("document", "pdf", "seal")}
        verdict = (await t.approval.client.post("/v1/seals/verify", json=body)).json()
        assert verdict["genuine"] is True
        project = await t.project(project_id)
        assert project["status"] == "denied"
        assert project["stages"][0]["reasons"] == "XFJ: 不符合消防技术标准"
        with pytest.raises(AssertionError, match="ProjectIsClosed"):
            await t.file_stage(project_id, "BL-FW-1")
        await _paused_light(t, case_id)


async def _paused_light(t: Trio, case_id: str) -> None:
    async def lit() -> dict[str, Any] | None:
        light = await t.supervision.get(f"/v1/cases/{case_id}/light", SUPERVISOR)
        return light if light.get("status") in ("approved", "denied", "deemed_approved") else None

    light = await eventually(lit)
    parts = {p["department"]: p for p in light["parts"]}
    assert set(parts) == {"ZJJ", "XFJ", "RFB"}
    assert parts["ZJJ"]["outcome"] == "early" and parts["RFB"]["outcome"] is None
    assert light["stage"]["color"] in ("green", "yellow", "red")


async def test_a_green_channel_project_runs_on_shortened_limits_and_is_tracked(
    databases: Any, broker: Any, tmp_path: Any
) -> None:
    async with trio(databases, broker, tmp_path, START) as t:
        await t.publish_items("BL-JT-1")
        await t.define_series("JT", "交通工程", ["BL-JT-1"])
        project_id = await t.new_project("JT", "泉州湾跨海通道连接线")
        marked = await t.approval.client.post(
            f"/v1/projects/{project_id}/green-channel",
            json={"reason": "省重点项目", "factor": 0.5},
            headers=admin(),
        )
        assert marked.status_code == 200, marked.text
        first = await t.file_stage(project_id, "BL-JT-1")  # then withdrawn (撤回) before acceptance
        gone = await t.intake.post(f"/v1/cases/{first}/withdraw", json={}, headers=agent())
        assert gone.status_code == 200, gone.text

        async def refiled() -> bool:
            return (await t.project(project_id))["stages"][0]["status"] == "pending"

        await eventually(refiled)
        with pytest.raises(AssertionError, match="KeyMaterialsCannotBeTolerated"):
            await t.file_stage(project_id, "BL-JT-1", prereview_missing=["SQB"])
        case_id = await t.file_stage(project_id, "BL-JT-1", prereview_missing=["HPBG"])
        case = await t.accept(case_id, "BL-JT-1")
        project = await t.project(project_id)
        assert project["stages"][0]["prereview_missing"] == ["HPBG"]
        assert project["stages"][0]["on_behalf_of"] == "泉州某建设发展有限公司"
        await _decided_once_supplied(t, project_id, case_id)
        started_at = datetime.fromisoformat(case["joint"]["started_at"])
        limits = {p["department"]: p["limit_days"] for p in case["joint"]["parts"]}
        assert limits == {"FGW": 5, "JTJ": 5, "GTJ": 4, "HBJ": 5}  # 10, 10, 8, 10 halved
        assert datetime.fromisoformat(case["deadline"]) == CALENDAR.deadline(started_at, 5).at

        async def tracked() -> list[Any]:
            found = await t.supervision.get("/v1/projects/green-channel", SUPERVISOR)
            return found if found and found[0]["parts"] else []

        listed = (await eventually(tracked))[0]
        assert listed["project_id"] == project_id and listed["green_factor"] == 0.5
        assert listed["stage"]["case_id"] == case_id
        assert {p["department"] for p in listed["parts"]} == set(limits)
        assert listed["stage_color"] == "green"
        t.clock.set(START + timedelta(days=8))
        light = await t.supervision.get(f"/v1/cases/{case_id}/light", SUPERVISOR)
        assert light["stage"]["color"] == "red"  # past the shortened limit, not the item's


async def _decided_once_supplied(t: Trio, project_id: str, case_id: str) -> None:
    """容缺预审: the part is reviewed at once, decided only after the agent supplied HPBG."""
    path = f"/v1/cases/{case_id}"
    reviewed = await t.approval.client.post(
        f"{path}/review", json={"opinion": "approve"}, headers=member("reviewer", "HBJ")
    )
    assert reviewed.status_code == 200, reviewed.text
    decide = {"decision": "approved", "reasons": ""}
    early = await t.approval.client.post(
        f"{path}/decide", json=decide, headers=member("approver", "HBJ")
    )
    assert (early.status_code, early.json()["rule"]) == (409, "PreReviewedStageAwaitsMaterials")
    supplied = await t.approval.client.post(
        f"/v1/projects/{project_id}/supplements",
        json={"stage": "S1", "department": "HBJ", "materials": ["HPBG"]},
        headers=agent(),
    )
    assert supplied.status_code == 200, supplied.text
    decided = await t.approval.client.post(
        f"{path}/decide", json=decide, headers=member("approver", "HBJ")
    )
    assert decided.status_code == 200, decided.text

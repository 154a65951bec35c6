"""Art. 45 on a joint case's part (并联审批) as on a whole case, over HTTP against PostgreSQL
and the broker: a part paused for a special procedure states its expected working days, the
applicant is sent the written notice, and it is visible on the case (approval's notices and
the part's pause, supervision's timeline).

Fails on the code as it was before: a part's pause took no `expected_days` and no notice went
out, while a whole case's pause required both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from libs.events.clock import SHANGHAI
from tests.integration.approval.joint_harness import APPLICANT, ITEMS, Trio, member, trio
from tests.integration.supervision.harness import SUPERVISOR
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # a Monday, no holiday for weeks
CODE = "BL-FW-4"  # lead ZJJ, with XFJ and RFB


async def test_a_part_paused_for_inspection_states_its_days_and_the_applicant_is_told(
    databases: Any, broker: Any, tmp_path: Any
) -> None:
    async with trio(databases, broker, tmp_path, START) as t:
        await t.publish_items(CODE)
        case_id = await _accepted(t)
        path = f"/v1/cases/{case_id}/suspend"
        fire = member("reviewer", "XFJ")
        unsaid = await t.approval.client.post(
            path, json={"procedure": "inspection", "reason": "消防现场核查"}, headers=fire
        )
        assert unsaid.status_code == 422, unsaid.text
        assert unsaid.json()["rule"] == "SpecialProcedureStatesItsDuration"
        assert "第45条" in unsaid.json()["detail_zh"]

        said = {"procedure": "inspection", "reason": "消防现场核查", "expected_days": 5}
        paused = await t.approval.client.post(path, json=said, headers=fire)
        assert paused.status_code == 200, paused.text
        part = next(p for p in paused.json()["joint"]["parts"] if p["department"] == "XFJ")
        assert (part["status"], part["suspended"]["expected_days"]) == ("suspended", 5)
        assert part["suspended"]["expected_until"] == "2026-03-09"

        notice = await eventually(lambda: _sent_notice(t, case_id))
        assert notice["to"] == "139****0009"
        for words in ("联办部门XFJ", "现场勘验", "5个工作日", "2026年3月9日", "第四十五条"):
            assert words in notice["text"], (words, notice["text"])
        assert any(
            m.to == APPLICANT["phone"] and "第四十五条" in m.text for m in t.approval.sink.sent
        )

        entry = await eventually(lambda: _timeline_entry(t, case_id))
        assert entry is not None and "联办部门 XFJ 暂停计时：现场勘验（消防现场核查）" in entry


async def _accepted(t: Trio) -> str:
    """A case of the joint item filed at the lead's window and accepted: every part started."""
    materials = [m["code"] for m in ITEMS[CODE]["materials"]]
    body = {"item_code": CODE, "applicant": APPLICANT, "materials": materials}
    filed = await t.intake.post("/v1/cases", json=body, headers=member("clerk", "ZJJ"))
    assert filed.status_code == 201, filed.text
    case_id = str(filed.json()["case_id"])
    await t.accept(case_id, CODE)
    return case_id


async def _sent_notice(t: Trio, case_id: str) -> dict[str, Any] | None:
    """The art. 45 notice on approval's case, once it was sent."""
    case = await t.approval.client.get(f"/v1/cases/{case_id}", headers=member("reviewer", "XFJ"))
    sent = [n for n in case.json()["notices"] if n["kind"] == "suspension" and n["sent_at"]]
    return sent[0] if sent else None


async def _timeline_entry(t: Trio, case_id: str) -> str | None:
    """Supervision's timeline line of the part's pause, once it says the notice went out."""
    timeline = await t.supervision.http.get(f"/v1/cases/{case_id}/timeline", headers=SUPERVISOR)
    if timeline.status_code != 200:
        return None
    texts = [e["text"] for e in timeline.json()["entries"]]
    return next((x for x in texts if "预计 5 个工作日，已书面告知申请人" in x), None)

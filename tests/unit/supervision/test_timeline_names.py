"""Timeline lines name materials, not their codes."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from services.supervision.domain.timeline import Words, describe
from tests.unit.supervision.given import accepted, bj, submitted

pytestmark = pytest.mark.unit
NAMES = Words(materials={"LIC": "营业执照复印件", "LAY": "经营场所平面布局图"})


def test_material_lines_use_the_names_the_case_was_submitted_with() -> None:
    received = submitted("c", bj(2026, 9, 15), missing=("LIC",))
    assert "一次性告知缺少 营业执照复印件" in (describe(received, NAMES) or "")
    notice = s.CaseSupplementRequested(case_id="c", center="350500", missing=["LAY"], notice_no=2)
    assert describe(notice, NAMES) == "一次性告知（第2次）：需补正 经营场所平面布局图"
    tolerated = accepted("c", bj(2026, 9, 16), 10).model_copy(update={"tolerated_missing": ["LAY"]})
    assert "容缺受理，缺 经营场所平面布局图" in (describe(tolerated, NAMES) or "")
    assert "M99" in (describe(submitted("c", bj(2026, 9, 15), missing=("M99",)), NAMES) or "")


def test_departments_centers_and_delivery_channels_are_named_too() -> None:
    departments = {"SCJG": "市场监管局", "XFJ": "消防救援支队"}
    words = Words(
        department=lambda c: departments.get(c, c), center=lambda c: {"350000": "福建省"}.get(c, c)
    )
    at = bj(2026, 9, 18)
    decided = s.CaseDecided(
        case_id="c",
        center="350500",
        decision="approved",
        decided_by="a-1",
        department="SCJG",
        decided_at=at,
    )
    assert describe(decided, words) == "办结：准予许可（市场监管局 a-1）"
    up = s.CaseEscalated(case_id="c", center="350500", to_center="350000", escalated_at=at)
    assert describe(up, words) == "上报至 福建省 审批"
    part = s.JointPartSuspended(
        case_id="c",
        center="350500",
        department="XFJ",
        procedure="testing",
        suspended_at=at,
        expected_days=3,
    )
    assert (describe(part, words) or "").startswith("联办部门 消防救援支队 暂停计时：检验检测")
    sent = s.CaseDelivered(case_id="c", center="350500", channel="sms", delivered_at=at)
    assert describe(sent, words) == "结果已送达（短信）"

"""The clock ledger reads as plain Chinese."""

from __future__ import annotations

import pytest

from services.supervision.application.case_view import explain
from services.supervision.domain.clock import WHOLE, Clocks, fold
from services.supervision.domain.facts import Happened, instant_of
from services.supervision.domain.light_view import view
from services.supervision.domain.timeline import describe
from services.supervision.events import WarningIssued
from tests.unit.supervision.given import CAL, accepted, bj, resumed, submitted, suspended

pytestmark = pytest.mark.unit


def test_each_step_of_the_clock_is_a_plain_sentence() -> None:
    acceptance = accepted("c", bj(2026, 9, 16), 10)
    pause = suspended("c", bj(2026, 9, 21, 15))
    assert "承诺时限 10 个工作日" in (describe(acceptance) or "")
    assert "2026-09-30（星期三）" in (describe(acceptance) or "")
    assert describe(pause) == "暂停计时：补正材料（缺平面图）"
    resumption = resumed("c", bj(2026, 9, 23, 11), since=pause.suspended_at, before=acceptance)
    assert "暂停占用 2 个工作日" in (describe(resumption) or "")
    assert "一次性告知缺少 LAY" in (
        describe(submitted("c", bj(2026, 9, 15), missing=("LAY",))) or ""
    )
    warning = WarningIssued(
        case_id="c",
        center="350500",
        rung="red",
        department="SCJG",
        deadline=acceptance.deadline,
        fired_at=bj(2026, 10, 1),
        notify=["department:350500/SCJG"],
        notify_at=bj(2026, 10, 8, 9),
    )
    assert (describe(warning) or "").startswith("超时警告：已通知 department:350500/SCJG")


def test_the_explanation_derives_the_colour_from_acceptance_and_pauses() -> None:
    acceptance = accepted("c", bj(2026, 9, 16), 10)
    pause = suspended("c", bj(2026, 9, 21, 15))
    resumption = resumed("c", bj(2026, 9, 23, 11), since=pause.suspended_at, before=acceptance)
    history = [Happened(e, instant_of(e, bj(2026, 9, 16))) for e in (acceptance, pause, resumption)]
    clocks: Clocks = {}
    for h in history:
        clocks = fold(clocks, h.event, CAL)
    light = view("c", WHOLE, clocks[WHOLE], {}, bj(2026, 10, 8, 12), CAL)
    text = explain(history, light)
    assert "原定期限 2026-09-30（星期三）" in text
    assert "暂停共 2 个工作日不计时" in text and "现办结期限 2026-10-09（星期五）" in text
    assert text.endswith("故为黄灯（临界预警）。")

"""Joint parts in supervision's fold: one part paused while the others run, a shorter stage."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from services.supervision.domain.clock import WHOLE, Clocks, fold, part_key
from tests.unit.supervision.given import CAL, CENTER, accepted, bj, joint_started

pytestmark = pytest.mark.unit

START = bj(2026, 3, 2, 9)  # a Monday with no holiday near


def clocks_after(*events: s.CaseEvent) -> Clocks:
    clocks: Clocks = {}
    for event in events:
        clocks = fold(clocks, event, CAL)
    return clocks


def test_a_paused_part_freezes_alone_and_resuming_moves_only_its_deadline() -> None:
    acceptance = accepted("c", START, 8)
    started = joint_started("c", START, {"GHJ": 8, "XFJ": 8, "RFB": 6})
    pause = s.JointPartSuspended(
        case_id="c", center=CENTER, department="RFB", procedure="correction", suspended_at=START
    )
    paused = clocks_after(acceptance, started, pause)
    rfb, ghj = paused[part_key("立项", "RFB")], paused[part_key("立项", "GHJ")]
    assert rfb.suspended_since == START and not rfb.running
    assert ghj.running and paused[WHOLE].running
    back = s.JointPartResumed(
        case_id="c",
        center=CENTER,
        department="RFB",
        resumed_at=bj(2026, 3, 4, 9),
        suspended_at=START,
        paused_working_days=99,  # approval's report; supervision counts the interval itself
        deadline=bj(2030, 1, 1),
        due_day=bj(2030, 1, 1).date(),
    )
    after = clocks_after(acceptance, started, pause, back)
    assert after[part_key("立项", "RFB")].deadline == CAL.shift_deadline(rfb.deadline, 2)
    assert after[part_key("立项", "GHJ")].deadline == ghj.deadline
    assert after[WHOLE].deadline == paused[WHOLE].deadline  # the stage keeps its own limit


def test_a_green_channel_stage_runs_to_its_shorter_deadline() -> None:
    acceptance = accepted("c", START, 8)
    shorter = CAL.deadline(START, 4)
    started = joint_started("c", START, {"GHJ": 4}).model_copy(
        update={"stage_deadline": shorter.at, "stage_due_day": shorter.due_day}
    )
    clocks = clocks_after(acceptance, started)
    assert clocks[WHOLE].deadline.at == shorter.at
    assert clocks[part_key("立项", "GHJ")].deadline.at == shorter.at

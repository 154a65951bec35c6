"""A case's clocks folded from its events: pauses, completion, closing, joint parts."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from services.supervision.domain.clock import DELIVERY, WHOLE, Clocks, fold
from tests.unit.supervision.given import (
    CAL,
    CENTER,
    accepted,
    bj,
    decided,
    joint_started,
    resumed,
    suspended,
)

pytestmark = pytest.mark.unit


def clocks_after(*events: s.CaseEvent) -> Clocks:
    clocks: Clocks = {}
    for event in events:
        clocks = fold(clocks, event, CAL)
    return clocks


def test_a_pause_freezes_the_light_and_resuming_moves_the_deadline_by_the_paused_days() -> None:
    acceptance = accepted("c", bj(2026, 9, 16), 10)
    pause = suspended("c", bj(2026, 9, 21, 15))
    clocks = clocks_after(acceptance, pause)
    assert clocks[WHOLE].suspended_since == pause.suspended_at
    assert clocks[WHOLE].effective(bj(2026, 10, 20)) == pause.suspended_at
    resumption = resumed("c", bj(2026, 9, 23, 11), since=pause.suspended_at, before=acceptance)
    assert resumption.paused_working_days == 2  # the 21st and the 22nd
    after = clocks_after(acceptance, pause, resumption)[WHOLE]
    assert after.running and str(after.deadline.due_day) == "2026-10-09"


def test_a_completed_case_keeps_its_outcome_and_working_days_used() -> None:
    clocks = clocks_after(accepted("c", bj(2026, 9, 16), 10), decided("c", bj(2026, 9, 29, 12)))
    whole = clocks[WHOLE]
    assert whole.outcome == "early" and not whole.running
    assert whole.used_days == 8.5  # 10 - (half of the 29th + the 30th): the limit used
    again = fold(clocks, decided("c", bj(2026, 10, 9)), CAL)[WHOLE]
    assert again.completed_at == bj(2026, 9, 29, 12)  # the first decision counts


def test_refused_and_withdrawn_cases_stop_without_an_outcome() -> None:
    withdrawal = s.CaseWithdrawn(case_id="c", center=CENTER, withdrawn_at=bj(2026, 9, 18))
    whole = clocks_after(accepted("c", bj(2026, 9, 16), 10), withdrawal)[WHOLE]
    assert whole.closed and whole.outcome is None and not whole.running


def test_joint_parts_each_have_a_clock_and_pause_and_complete_on_their_own() -> None:
    start = joint_started("c", bj(2026, 9, 16), {"GH": 3, "ZJ": 10})
    clocks = clocks_after(accepted("c", bj(2026, 9, 16), 10), start)
    assert sorted(clocks) == ["", "立项/GH", "立项/ZJ"]
    assert clocks["立项/GH"].limit_days == 3 and clocks["立项/ZJ"].limit_days == 10
    part = s.JointPartDecided(
        case_id="c", center=CENTER, department="GH", decision="approved", decided_at=bj(2026, 9, 20)
    )
    clocks = fold(clocks, part, CAL)
    assert clocks["立项/GH"].outcome == "on_time" and clocks["立项/ZJ"].running
    done = s.JointCompleted(
        case_id="c", center=CENTER, outcome="denied", completed_at=bj(2026, 9, 22)
    )
    clocks = fold(clocks, done, CAL)
    assert clocks["立项/ZJ"].closed and clocks[WHOLE].outcome == "early"


def test_a_same_day_completion_used_no_working_days() -> None:
    for limit in (0, 5):  # an immediate case and a promised one, both done on the spot
        acceptance = accepted("c", bj(2026, 9, 16, 9), limit)
        whole = clocks_after(acceptance, decided("c", bj(2026, 9, 16, 15)))[WHOLE]
        assert whole.used_days == 0.0 and whole.outcome in ("early", "on_time")


def test_a_grant_starts_a_delivery_clock_of_ten_working_days() -> None:
    acceptance = accepted("c", bj(2026, 9, 16), 10)
    granted = clocks_after(acceptance, decided("c", bj(2026, 9, 18, 10)))
    delivery = granted[DELIVERY]
    assert str(delivery.deadline.due_day) == "2026-10-09"  # 10 working days, holidays skipped
    assert delivery.running and delivery.limit_days == 10
    handed = s.CaseDelivered(
        case_id="c", center=CENTER, channel="sms", delivered_at=bj(2026, 9, 21, 9)
    )
    done = fold(granted, handed, CAL)[DELIVERY]
    assert done.completed_at == bj(2026, 9, 21, 9) and done.outcome == "early"
    denied = clocks_after(acceptance, decided("c", bj(2026, 9, 18, 10), decision="denied"))
    assert DELIVERY not in denied  # nothing to deliver within art. 44's limit

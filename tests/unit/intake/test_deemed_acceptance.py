"""行政许可法 art. 32: unjudged online materials count as accepted after 5 working days."""

from __future__ import annotations

from datetime import datetime

import pytest

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.contract import CaseAcceptanceDue, CaseAccepted
from services.intake.domain.deemed import deem_accepted, warn_acceptance_due
from tests.unit.intake.given import NOW, item, submitted, then

pytestmark = pytest.mark.unit
CAL = WorkCalendar()
COMPLETE = ["APP", "LIC", "LAY", "HLT"]
FIFTH_DAY = datetime(2026, 12, 2, 9, tzinfo=SHANGHAI)
SIXTH_DAY = datetime(2026, 12, 3, 9, tzinfo=SHANGHAI)


def test_the_window_is_warned_once_on_the_last_day() -> None:
    case = submitted(COMPLETE, channel="online")
    assert warn_acceptance_due(case, CAL, now=datetime(2026, 12, 1, 23, tzinfo=SHANGHAI)) == []
    [warning] = warn_acceptance_due(case, CAL, now=FIFTH_DAY)
    assert isinstance(warning, CaseAcceptanceDue)
    assert warning.deemed_at == datetime(2026, 12, 2, 23, 59, 59, tzinfo=SHANGHAI)
    assert warn_acceptance_due(then(case, [warning]), CAL, now=FIFTH_DAY) == []


def test_past_five_working_days_it_is_accepted_from_receipt_with_the_cause() -> None:
    case = submitted(COMPLETE, channel="online")
    assert deem_accepted(case, item(), CAL, now=FIFTH_DAY) == []
    [accepted] = deem_accepted(case, item(), CAL, now=SIXTH_DAY)
    assert isinstance(accepted, CaseAccepted)
    assert accepted.cause == "deemed_art32" and accepted.accepted_at == NOW
    assert accepted.due_day.isoformat() == "2026-12-09"  # ten working days from receipt


def test_judged_or_window_cases_are_left_alone() -> None:
    assert deem_accepted(submitted(COMPLETE), item(), CAL, now=SIXTH_DAY) == []  # a window case
    noticed = submitted(["APP"], channel="online")  # the notice told the applicant in time
    assert deem_accepted(noticed, item(), CAL, now=SIXTH_DAY) == []
    assert warn_acceptance_due(noticed, CAL, now=FIFTH_DAY) == []

"""Pauses and the one extension: deadlines derived from events by the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from libs.events.clock import SHANGHAI
from libs.events.contract import CaseDeadlineChanged, CaseExtended, CaseResumed, CaseSuspended
from services.approval.domain.decisions import decide, review
from services.approval.domain.document import suspension_text
from services.approval.domain.rules import (
    ExtensionBeforeDeadline,
    ExtensionWithinCap,
    OneExtensionPerCase,
    OnePauseAtATime,
    OnlyPausedCasesResume,
    PausedCasesWait,
    ReasonRequired,
    SpecialProcedureStatesItsDuration,
)
from services.approval.domain.timing import extend, resume, suspend
from tests.unit.approval.builders import (
    APPROVER,
    AT,
    CALENDAR,
    REVIEWER,
    department,
    opened,
    rules,
    then,
    types,
)

pytestmark = pytest.mark.unit
WEDNESDAY = datetime(2026, 3, 4, 15, 0, tzinfo=SHANGHAI)


def test_accepted_monday_with_five_days_is_due_next_monday() -> None:
    assert opened().current_deadline.due_day == date(2026, 3, 9)


def test_a_pause_moves_the_deadline_by_the_working_days_it_covered() -> None:
    case = opened()
    [stopped] = then(
        case, suspend(case, procedure="expert_review", reason="专家评审", now=AT, expected_days=3)
    )
    assert isinstance(stopped, CaseSuspended) and case.status == "suspended"
    [resumed] = then(case, resume(case, calendar=CALENDAR, now=WEDNESDAY))
    assert isinstance(resumed, CaseResumed)
    assert resumed.paused_working_days == 2  # Monday and Tuesday
    assert resumed.due_day == date(2026, 3, 11) and case.current_deadline.due_day == date(
        2026, 3, 11
    )
    assert case.status == "open" and case.pauses[0].working_days == 2


def test_a_pause_over_a_weekend_counts_only_working_days() -> None:
    case = opened()
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI)
    then(case, suspend(case, procedure="correction", reason="", now=friday))
    [resumed] = resume(case, calendar=CALENDAR, now=friday + timedelta(days=3))  # Monday
    assert isinstance(resumed, CaseResumed) and resumed.paused_working_days == 1


def test_pause_rules_and_nothing_is_decided_while_paused() -> None:
    case = opened()
    with pytest.raises(OnlyPausedCasesResume):
        resume(case, calendar=CALENDAR, now=AT)
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=department(), now=AT))
    then(case, suspend(case, procedure="hearing", reason="听证", now=AT, expected_days=3))
    with pytest.raises(OnePauseAtATime):
        suspend(case, procedure="inspection", reason="", now=AT, expected_days=2)
    with pytest.raises(PausedCasesWait):
        decide(case, APPROVER, decision="approved", reasons="", now=AT)


def test_one_extension_within_the_cap_moves_the_deadline() -> None:
    case = opened(item=rules(extension_cap_days=5))
    events = then(
        case, extend(case, APPROVER, days=3, reason="情况复杂", calendar=CALENDAR, now=AT)
    )
    assert types(events) == ["case.extended", "case.deadline_changed"]
    extended, changed = events
    assert isinstance(extended, CaseExtended) and isinstance(changed, CaseDeadlineChanged)
    assert extended.due_day == changed.due_day == date(2026, 3, 12)
    assert changed.cause == "extended" and case.current_deadline.due_day == date(2026, 3, 12)
    with pytest.raises(OneExtensionPerCase):
        extend(case, APPROVER, days=1, reason="again", calendar=CALENDAR, now=AT)


def test_extension_limits() -> None:
    case = opened(item=rules(extension_cap_days=5))
    with pytest.raises(ExtensionWithinCap):
        extend(case, APPROVER, days=6, reason="r", calendar=CALENDAR, now=AT)
    with pytest.raises(ReasonRequired):
        extend(case, APPROVER, days=2, reason=" ", calendar=CALENDAR, now=AT)
    too_late = case.current_deadline.at + timedelta(seconds=1)
    with pytest.raises(ExtensionBeforeDeadline):
        extend(case, APPROVER, days=2, reason="r", calendar=CALENDAR, now=too_late)


def test_the_default_cap_is_ten_working_days() -> None:
    case = opened()
    with pytest.raises(ExtensionWithinCap):
        extend(case, APPROVER, days=11, reason="r", calendar=CALENDAR, now=AT)
    assert extend(case, APPROVER, days=10, reason="r", calendar=CALENDAR, now=AT)


def test_art_45_procedures_state_their_duration_and_the_notice_says_it() -> None:
    case = opened()
    with pytest.raises(SpecialProcedureStatesItsDuration):
        suspend(case, procedure="appraisal", reason="房屋安全鉴定", now=AT)
    [event] = then(
        case, suspend(case, procedure="testing", reason="水质检测", now=AT, expected_days=5)
    )
    assert isinstance(event, CaseSuspended)
    assert (event.expected_days, event.expected_until) == (5, date(2026, 3, 9))
    text = suspension_text(case, applicant="张三")
    assert "检验检测" in text and "水质检测" in text and "5个工作日" in text
    assert "2026年3月9日" in text and "第四十五条" in text and "不计入办理期限" in text
    corrected = opened()
    assert types(suspend(corrected, procedure="correction", reason="", now=AT)) == [
        "case.suspended"
    ]

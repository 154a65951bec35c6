"""容缺 promises: kept by supplying, extended once by the department, or the case is returned."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.contract import CasePromiseExtended, CaseReturned, CaseSupplemented
from libs.events.http import STATUS_OF
from services.intake.domain import rules
from services.intake.domain.acceptance import Acceptance
from services.intake.domain.case import Case
from tests.unit.intake.given import NOW, item, submitted, then

pytestmark = pytest.mark.unit

PROMISED = date(2026, 12, 2)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def tolerated_case() -> Case:
    case = submitted(["APP", "LIC", "LAY"])
    return then(case, case.accept(item(), Acceptance(NOW, "c", ["HLT"], PROMISED), WorkCalendar()))


def test_nothing_happens_up_to_the_end_of_the_promised_day() -> None:
    case = tolerated_case()
    assert case.return_overdue(at(PROMISED, 23)) == []
    assert not case.overdue_promise(at(PROMISED, 23))


def test_a_promise_not_kept_returns_the_case() -> None:
    case = tolerated_case()
    [event] = case.return_overdue(at(date(2026, 12, 3)))
    assert isinstance(event, CaseReturned)
    assert event.missing == ["HLT"] and event.supplement_by == PROMISED
    assert event.returned_at == at(date(2026, 12, 3)) and "容缺" in event.reason
    assert then(case, [event]).status == "returned"
    assert case.return_overdue(at(date(2026, 12, 4))) == []


def test_supplying_the_tolerated_material_keeps_the_promise() -> None:
    case = tolerated_case()
    [event] = case.supplement(item(), ["HLT"], {})
    assert isinstance(event, CaseSupplemented) and event.missing == []
    then(case, [event])
    assert case.status == "accepted" and case.tolerated == []
    assert case.return_overdue(at(date(2026, 12, 20))) == []


def test_a_tolerated_material_found_wrong_stays_outstanding() -> None:
    case = tolerated_case()
    [event] = case.supplement(item(), ["HLT"], {"HLT": "复印件不清晰"})
    assert isinstance(event, CaseSupplemented) and event.missing == ["HLT"]
    assert then(case, [event]).tolerated == ["HLT"]


def test_the_department_extends_once_with_a_reason() -> None:
    case = tolerated_case()
    later = date(2026, 12, 7)
    [event] = case.extend_promise(later, "体检机构排期", now=NOW, by="scjg-1")
    assert isinstance(event, CasePromiseExtended)
    assert (event.supplement_by, event.previous_supplement_by) == (later, PROMISED)
    then(case, [event])
    assert case.return_overdue(at(date(2026, 12, 7))) == []
    assert len(case.return_overdue(at(date(2026, 12, 8)))) == 1
    with pytest.raises(rules.PromiseExtendedOnlyOnce) as caught:
        case.extend_promise(date(2026, 12, 8), "again", now=NOW, by="scjg-1")
    assert STATUS_OF[caught.value.kind] == 409


def test_an_extension_needs_a_reason_and_a_later_date() -> None:
    case = tolerated_case()
    with pytest.raises(rules.ReasonRequired):
        case.extend_promise(date(2026, 12, 7), " ", now=NOW, by="x")
    with pytest.raises(rules.ExtensionMustBeLater):
        case.extend_promise(PROMISED, "same day", now=NOW, by="x")


def test_only_an_outstanding_promise_can_be_extended() -> None:
    case = submitted(["APP", "LIC", "LAY", "HLT"])
    with pytest.raises(rules.CaseNotOpenForIntake):
        case.extend_promise(date(2026, 12, 7), "r", now=NOW, by="x")
    then(case, case.accept(item(), Acceptance(NOW, "c"), WorkCalendar()))
    with pytest.raises(rules.NoPromiseOutstanding):
        case.extend_promise(date(2026, 12, 7), "r", now=NOW, by="x")


def test_a_withdrawn_case_is_never_returned() -> None:
    case = tolerated_case()
    then(case, case.withdraw("", now=NOW, by="a", decided=False))
    assert case.return_overdue(at(date(2026, 12, 20))) == []

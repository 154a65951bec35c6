"""一次告知 gaps: a wrong optional material is noticed, a repeat notice keeps the reason."""

from __future__ import annotations

import pytest

from libs.events.calendar import WorkCalendar
from libs.events.contract import CaseSubmitted, CaseSupplementRequested
from services.intake.domain.acceptance import Acceptance
from services.intake.domain.submission import submit
from tests.unit.intake.given import NOW, case_from, item, receipt, submitted, then

pytestmark = pytest.mark.unit
COMPLETE = ["APP", "LIC", "LAY", "HLT"]


def test_a_wrong_optional_material_is_recorded_and_noticed() -> None:
    events = submit(
        item(), receipt([*COMPLETE, "AUTH"], rejected={"AUTH": "委托书未签字"}), now=NOW
    )
    first, notice = events
    assert isinstance(first, CaseSubmitted) and "AUTH" not in first.materials
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.missing == ["AUTH"] and notice.reasons == {"AUTH": "委托书未签字"}
    case = case_from(events)
    assert case.status == "awaiting_supplement"
    # Optional, so it never blocks acceptance: the applicant may fix it or drop it.
    assert case.accept(item(), Acceptance(now=NOW, by="clerk-1"), WorkCalendar())


def test_a_repeat_notice_keeps_the_clerks_reason() -> None:
    case = submitted(["APP", "LIC", "LAY"], rejected={"LAY": "平面图模糊"})
    _, notice = case.supplement(item(), ["HLT"], {})
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.missing == ["LAY"] and notice.reasons == {"LAY": "平面图模糊"}


def test_a_newer_reason_replaces_the_older_one() -> None:
    case = submitted(["APP", "LIC", "LAY"], rejected={"LAY": "平面图模糊"})
    case = then(case, case.supplement(item(), ["HLT"], {}))
    _, notice = case.supplement(item(), ["LAY"], {"LAY": "未标注尺寸"})
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.reasons == {"LAY": "未标注尺寸"} and notice.notice_no == 3

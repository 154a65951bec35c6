"""行政许可法 art. 32: materials received online and not judged by the window within 5 working
days count as accepted from the day they were received; the window is warned a day before."""

from __future__ import annotations

from datetime import datetime

from libs.events.calendar import WorkCalendar
from libs.events.contract import CaseAcceptanceDue
from libs.events.registry import Event
from services.intake.domain.acceptance import Acceptance
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion

JUDGE_WITHIN_DAYS = 5
DEEMED_CAUSE = "deemed_art32"
DEEMED_BY = "system:art32"


def awaiting_judgement(case: Case) -> bool:
    """An online submission no one at the window has judged: no notice, not accepted."""
    s = case.submitted
    return (
        s is not None
        and s.channel == "online"
        and case.status == "submitted"
        and (not case.notices)
    )


def deemed_at(case: Case, calendar: WorkCalendar) -> datetime:
    """The instant the case counts as accepted: the end of the 5th working day after receipt."""
    assert case.submitted is not None
    return calendar.deadline(case.submitted.submitted_at, JUDGE_WITHIN_DAYS).at


def warn_acceptance_due(case: Case, calendar: WorkCalendar, *, now: datetime) -> list[Event]:
    """Once, on the last working day before the deemed acceptance: warn the window."""
    if not awaiting_judgement(case) or case.acceptance_warned:
        return []
    assert case.submitted is not None
    s = case.submitted
    if now <= calendar.deadline(s.submitted_at, JUDGE_WITHIN_DAYS - 1).at:
        return []
    return [
        CaseAcceptanceDue(
            case_id=case.stream_id,
            center=case.center,
            case_no=s.case_no,
            department=s.department,
            item_name=s.item_name,
            received_at=s.submitted_at,
            deemed_at=deemed_at(case, calendar),
            warned_at=now,
        )
    ]


def deem_accepted(
    case: Case, item: ItemVersion, calendar: WorkCalendar, *, now: datetime
) -> list[Event]:
    """Past the 5 working days: accepted as of receipt, the cause in the event."""
    if not awaiting_judgement(case) or now <= deemed_at(case, calendar):
        return []
    assert case.submitted is not None
    received = Acceptance(now=case.submitted.submitted_at, by=DEEMED_BY)
    return [
        e.model_copy(update={"cause": DEEMED_CAUSE}) for e in case.accept(item, received, calendar)
    ]

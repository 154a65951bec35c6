"""Given-events builders for the approval domain tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.registry import Event
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.department import Department, ItemRules
from services.approval.domain.opening import AcceptedCase, open_work
from services.approval.events import (
    ApprovalItemRulesSet,
    DepartmentAbsenceMarked,
    DepartmentAuthorized,
    DepartmentPostsNamed,
    PostHolders,
)

CALENDAR = WorkCalendar()
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # no holiday near it
AT = MONDAY + timedelta(hours=1)

CLERK = Actor("clerk-1", "clerk")
REVIEWER = Actor("rev-a", "reviewer")
REVIEWER_B = Actor("rev-b", "reviewer")
APPROVER = Actor("app-a", "approver")
APPROVER_B = Actor("app-b", "approver")


def accepted(
    kind: str = "promised",
    *,
    limit: int = 5,
    deemed: bool = False,
    escalated_from: str = "",
    at: datetime = MONDAY,
) -> AcceptedCase:
    """An accepted case of department `land`."""
    return AcceptedCase(
        case_id="c-1",
        center="350500",
        case_no="350500-2026-000001",
        item_code="LAND-01",
        item_version=1,
        item_name="建设用地规划许可",
        department="land",
        kind=kind,
        accepted_at=at,
        limit_days=limit,
        deadline=CALENDAR.deadline(at, 0 if kind == "immediate" else limit),
        deemed_approval=deemed,
        escalated_from=escalated_from,
    )


def department(*events: Event) -> Department:
    """The `land` department after these configuration events."""
    staff = Department("department:land")
    for event in events:
        staff.apply(event)
    return staff


def posts(**holders: tuple[str, str | None]) -> DepartmentPostsNamed:
    """posts(review=("rev-a", "rev-b"), approve=("app-a", "app-b"))."""
    named = {name: PostHolders(a=a, b=b) for name, (a, b) in holders.items()}
    return DepartmentPostsNamed(center="350500", department="land", posts=named, at=MONDAY)


def absent(person: str, away: bool = True) -> DepartmentAbsenceMarked:
    """Mark someone of `land` away (or back)."""
    return DepartmentAbsenceMarked(
        center="350500", department="land", person=person, absent=away, at=MONDAY
    )


def authorized(*kinds: str) -> DepartmentAuthorized:
    """The window of `land` decides these kinds alone."""
    return DepartmentAuthorized(
        center="350500", department="land", window_decides=list(kinds), pre_review=[], at=MONDAY
    )


def rules(**values: object) -> ItemRules:
    """Item rules after one `approval.item_rules_set`."""
    item = ItemRules("item-rules:LAND-01")
    item.apply(ApprovalItemRulesSet(center="350500", item_code="LAND-01", at=MONDAY, **values))
    return item


def opened(
    case: AcceptedCase | None = None,
    *,
    staff: Department | None = None,
    item: ItemRules | None = None,
    escalate_to: str = "",
) -> ApprovalCase:
    """A case whose work was just opened here."""
    events = open_work(
        case or accepted(),
        held_at="350500",
        escalate_to=escalate_to,
        staff=staff or department(),
        rules=item or ItemRules("item-rules:LAND-01"),
        now=MONDAY,
    )
    return given(*events)


def given(*events: Event) -> ApprovalCase:
    """A case folded from these events."""
    case = ApprovalCase("c-1")
    for event in events:
        case.apply(event)
    return case


def then(case: ApprovalCase, events: list[Event]) -> list[Event]:
    """Fold new events into the case and hand them back for assertions."""
    for event in events:
        case.apply(event)
    return events


def types(events: list[Event]) -> list[str]:
    """`case.decided` for each event."""
    return [".".join(e.TYPE.split(".")[1:-1]) for e in events]

"""Approval's work on a case (on the case's stream): opened, assigned, handed over, closed.

They cross links with the case, and the accepting center's intake shows them in its history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from libs.events.contract.cases import CaseEvent, Kind
from libs.events.registry import CASE_EVENTS, registry

Step = Literal["window", "pre_review", "review", "decide"]


@registry.register("onewindow.work.opened.v1", topic=CASE_EVENTS)
class WorkOpened(CaseEvent):
    """An accepted (or escalated-in) case became work for a department, with its frozen rules."""

    held_at: str  # the center doing the work; differs from `center` for an escalated case
    case_no: str
    item_code: str
    item_version: int = 0
    item_name: str = ""
    department: str
    kind: Kind
    accepted_at: datetime
    limit_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False
    deemed_approval: bool = False
    window_decides: bool = False  # the department authorized its window to decide this kind
    countersigners: list[str] = []
    extension_cap_days: int = 10
    escalate_to: str = ""  # a reported case: the center that decides after the pre-review
    escalated_from: str = ""  # an escalated case: the center that accepted it
    opened_at: datetime


@registry.register("onewindow.work.assigned.v1", topic=CASE_EVENTS)
class WorkAssigned(CaseEvent):
    """Who holds the current step: the post's A, its B while A is absent, or nobody (the pool)."""

    department: str
    step: Step
    post: str
    assignee: str | None = None
    cause: Literal["opened", "step", "absence"]
    assigned_at: datetime


@registry.register("onewindow.work.transferred.v1", topic=CASE_EVENTS)
class WorkTransferred(CaseEvent):
    """A person handed the work to another person of the department: 委派 or 转办."""

    department: str
    mode: Literal["delegated", "transferred"]
    from_assignee: str | None = None
    to_assignee: str
    by: str
    reason: str
    transferred_at: datetime


@registry.register("onewindow.work.countersign_required.v1", topic=CASE_EVENTS)
class WorkCountersignRequired(CaseEvent):
    """The decision needs the signature of every named approver (会签)."""

    department: str
    approvers: list[str]
    by: str = ""
    reason: str = ""
    required_at: datetime


@registry.register("onewindow.work.rescheduled.v1", topic=CASE_EVENTS)
class WorkRescheduled(CaseEvent):
    """Written by earlier releases (the work adopted intake's deadline); read, never written now.

    Every service derives the deadline itself (libs/events/caseclock), so folds ignore it.
    """

    deadline: datetime
    due_day: date
    provisional: bool = False
    cause: str = "calendar"


@registry.register("onewindow.work.closed.v1", topic=CASE_EVENTS)
class WorkClosed(CaseEvent):
    """Work ended without a decision here: withdrawn, or decided above and returned."""

    cause: Literal["withdrawn", "escalation_returned"]
    closed_at: datetime
    decision: Literal["approved", "denied"] | None = None
    reasons: str = ""
    from_center: str = ""

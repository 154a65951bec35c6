"""Opening work: which route a case takes, who holds it first, which rules it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.calendar import Deadline
from libs.events.registry import Event
from libs.events.schemas import Step, WorkAssigned, WorkOpened
from services.approval.domain.case import STEP_POST
from services.approval.domain.department import Department, ItemRules


@dataclass(frozen=True)
class AcceptedCase:
    """What an accepted (or escalated-in) case brings to the department."""

    case_id: str
    center: str
    case_no: str
    item_code: str
    item_version: int
    item_name: str
    department: str
    kind: str
    accepted_at: datetime
    limit_days: int
    deadline: Deadline
    deemed_approval: bool
    escalated_from: str = ""


def first_step(case: AcceptedCase, *, held_at: str, escalate_to: str, staff: Department) -> Step:
    """上报件 are pre-reviewed when another center decides; authorized kinds stay at the window."""
    if case.kind == "reported" and not case.escalated_from and escalate_to not in ("", held_at):
        return "pre_review"
    if case.kind != "reported" and staff.window_may_decide(case.kind):
        return "window"
    return "review"


def open_work(
    case: AcceptedCase,
    *,
    held_at: str,
    escalate_to: str,
    staff: Department,
    rules: ItemRules,
    now: datetime,
) -> list[Event]:
    """The events that make an accepted case the department's work, rules frozen at opening."""
    step = first_step(case, held_at=held_at, escalate_to=escalate_to, staff=staff)
    deemed = case.deemed_approval if rules.deemed_approval is None else rules.deemed_approval
    opened = WorkOpened(
        case_id=case.case_id,
        center=case.center,
        held_at=held_at,
        case_no=case.case_no,
        item_code=case.item_code,
        item_version=case.item_version,
        item_name=case.item_name,
        department=case.department,
        kind=case.kind,  # type: ignore[arg-type]  # validated by the event model
        accepted_at=case.accepted_at,
        limit_days=case.limit_days,
        deadline=case.deadline.at,
        due_day=case.deadline.due_day,
        provisional=case.deadline.provisional,
        deemed_approval=deemed,
        window_decides=step == "window",
        countersigners=staff.substitutes(rules.countersign),
        extension_cap_days=rules.extension_cap_days,
        escalate_to=escalate_to if step == "pre_review" else "",
        escalated_from=case.escalated_from,
        opened_at=now,
    )
    assigned = WorkAssigned(
        case_id=case.case_id,
        center=case.center,
        department=case.department,
        step=step,
        post=STEP_POST[step],
        assignee=staff.holder(STEP_POST[step]),
        cause="opened",
        assigned_at=now,
    )
    return [opened, assigned]

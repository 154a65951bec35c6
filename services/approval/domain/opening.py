"""Opening work: which route a case takes, who holds it first, which rules it keeps."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from libs.events.calendar import Deadline
from libs.events.contract import (
    CaseEscalated,
    CaseEscalationReceived,
    Step,
    WorkAssigned,
    WorkOpened,
)
from libs.events.registry import Event
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
    frozen = {
        "held_at": held_at,
        "deemed_approval": case.deemed_approval,  # the catalogue item's flag, nothing else
        "window_decides": step == "window",
        "countersigners": staff.substitutes(rules.countersign),
        "extension_cap_days": rules.extension_cap_days,
        "escalate_to": escalate_to if step == "pre_review" else "",
        "opened_at": now,
    }
    opened = WorkOpened.model_validate({**_facts(case), **frozen})
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


def receipt(escalated: CaseEscalated, *, by: str, now: datetime) -> CaseEscalationReceived:
    """The deciding center's own record of a case escalated to it, before the work it opens."""
    return CaseEscalationReceived(
        case_id=escalated.case_id,
        center=escalated.center,
        received_by=by,
        case_no=escalated.case_no,
        item_code=escalated.item_code,
        department=escalated.department,
        escalated_at=escalated.escalated_at,
        received_at=now,
        deadline=escalated.deadline,
    )


def _facts(case: AcceptedCase) -> dict[str, object]:
    facts = {f.name: getattr(case, f.name) for f in fields(case) if f.name != "deadline"}
    deadline = case.deadline
    return {
        **facts,
        "deadline": deadline.at,
        "due_day": deadline.due_day,
        "provisional": deadline.provisional,
    }

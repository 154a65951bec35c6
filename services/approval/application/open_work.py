"""Open work for a department: from `case.accepted` here, or `case.escalated` to this center."""

from __future__ import annotations

from collections.abc import Sequence

from libs.events.calendar import Deadline
from libs.events.clock import Clock
from libs.events.contract import CaseAccepted, CaseEscalated
from libs.events.registry import Event
from services.approval.application.joint.opening import joint_opening
from services.approval.application.ports import ApprovalTx, Contact
from services.approval.application.unit import commit, department, item_rules, load_case
from services.approval.config import Settings
from services.approval.domain.opening import AcceptedCase, open_work, receipt


async def when_case_accepted_open_work(
    tx: ApprovalTx, event: CaseAccepted, *, settings: Settings, clock: Clock
) -> None:
    """Every case accepted at this center becomes work for its department."""
    if event.center != settings.center_code:
        return
    item = await tx.views.item_of(event.item_code)
    case = AcceptedCase(
        case_id=event.case_id,
        center=event.center,
        case_no=event.case_no,
        item_code=event.item_code,
        item_version=event.item_version,
        item_name=event.item_name or (item.name if item else ""),
        department=event.department,
        kind=event.kind,
        accepted_at=event.accepted_at,
        limit_days=event.limit_days,
        deadline=Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional),
        deemed_approval=event.deemed_approval,
    )
    decider = ""
    if event.kind == "reported":  # 上报件: the catalogue names the deciding center
        named = event.decided_by_center or (item.decided_by_center if item else None)
        decider = str(named or settings.parent_center)
    await _open(tx, case, escalate_to=decider, settings=settings, clock=clock)


async def when_case_escalated_open_work(
    tx: ApprovalTx, event: CaseEscalated, *, settings: Settings, clock: Clock
) -> None:
    """A reported case pre-reviewed below becomes work for this center's department."""
    if event.to_center != settings.center_code or event.deadline is None or event.due_day is None:
        return
    if event.applicant and event.applicant.name:
        await tx.views.remember_contact(event.case_id, Contact(event.applicant.name, ""))
    await tx.views.remember_materials(event.case_id, event.materials)
    case = AcceptedCase(
        case_id=event.case_id,
        center=event.center,
        case_no=event.case_no,
        item_code=event.item_code,
        item_version=event.item_version,
        item_name=event.item_name,
        department=event.department,
        kind=event.kind,
        accepted_at=event.accepted_at or event.escalated_at,
        limit_days=event.limit_days or 0,
        deadline=Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional),
        deemed_approval=event.deemed_approval,
        escalated_from=event.center,
    )
    received = receipt(event, by=settings.center_code, now=clock.now())
    await _open(tx, case, escalate_to="", first=[received], settings=settings, clock=clock)


async def _open(
    tx: ApprovalTx,
    accepted: AcceptedCase,
    *,
    escalate_to: str,
    settings: Settings,
    clock: Clock,
    first: Sequence[Event] = (),
) -> None:
    case = await load_case(tx, accepted.case_id)
    if case.opened is not None:
        return  # opened before (a redelivery with a new id, or the other process)
    staff = await department(tx, accepted.department)
    rules = await item_rules(tx, accepted.item_code)
    held_at, now = settings.center_code, clock.now()
    events = [
        *first,
        *open_work(
            accepted, held_at=held_at, escalate_to=escalate_to, staff=staff, rules=rules, now=now
        ),
    ]
    if accepted.kind == "joint" and not accepted.escalated_from:
        events = await joint_opening(tx, case, events, now=now)
    await commit(tx, case, events, channel=settings.notify_channel)

"""What every case command does in its transaction: load, check who acts, append, project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from libs.events.auth import Principal, Role, same_department
from libs.events.contract import JointCompleted, WorkClosed
from libs.events.registry import Event
from services.approval.application.joint.stages import follow_stage
from services.approval.application.notices import notify_applicant
from services.approval.application.ports import ApprovalTx
from services.approval.domain.access import CaseNotHere, SameDepartmentOnly
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.department import (
    Department,
    ItemRules,
    department_stream,
    item_rules_stream,
)

VIEWERS = frozenset({Role.admin, Role.supervisor, Role.integrator})


@dataclass(frozen=True)
class CaseView:
    """A case as a command leaves it, with the notices sent to its applicant."""

    case: ApprovalCase
    notices: list[dict[str, Any]]


async def viewed(tx: ApprovalTx, case: ApprovalCase) -> CaseView:
    """The case and its notices, as this transaction sees them."""
    return CaseView(case, await tx.views.notices_of(case.stream_id))


def actor_of(principal: Principal) -> Actor:
    """The domain's view of the caller."""
    return Actor(principal.sub, principal.role.value)


async def load_case(tx: ApprovalTx, case_id: str) -> ApprovalCase:
    """The case as its stream leaves it (empty when this center has no work for it)."""
    case = await tx.events.load(ApprovalCase, case_id)
    case.calendar = await tx.calendar()
    return case


async def case_for(
    tx: ApprovalTx, case_id: str, principal: Principal, *, acting: bool = True
) -> ApprovalCase:
    """The case, if the caller's center holds it (else 404) and department owns it (else 403)."""
    case = await load_case(tx, case_id)
    if case.opened is None or principal.center != case.facts.held_at:
        raise CaseNotHere(
            f"case {case_id} is not work of center {principal.center}",
            detail_zh=f"案件 {case_id} 不在中心 {principal.center} 办理",
        )
    if same_department(principal, case.facts.department):
        return case
    if case.joint is not None and principal.department in case.joint.parts:
        return case  # 并联审批: a co-department acts on its own part
    if not acting and principal.role in VIEWERS:
        return case
    raise SameDepartmentOnly(
        f"case {case.facts.case_no} belongs to department {case.facts.department}, "
        f"not {principal.department}",
        detail_zh=f"案件 {case.facts.case_no} 属于部门 {case.facts.department}，"
        f"不属于 {principal.department}",
    )


async def department(tx: ApprovalTx, code: str) -> Department:
    """A department's authorization, posts and absences."""
    return await tx.events.load(Department, department_stream(code))


async def item_rules(tx: ApprovalTx, code: str) -> ItemRules:
    """An item's approval rules (defaults when none were set)."""
    return await tx.events.load(ItemRules, item_rules_stream(code))


async def commit(
    tx: ApprovalTx, case: ApprovalCase, events: Sequence[Event], *, channel: str
) -> None:
    """Append at the loaded version (ConcurrencyError when it moved), then update what follows;
    `channel` is how the applicant is told (sms, voice)."""
    if not events:
        return
    await tx.events.save(case, events)
    # A calendar load that locked the row first has committed once we hold it: read it again.
    await tx.views.lock(case.stream_id)
    case.calendar = await tx.calendar()
    await tx.views.refresh(case)
    if case.joint is not None:
        await tx.views.refresh_parts(case)
        await follow_stage(tx, case, events)
        if any(isinstance(e, JointCompleted) for e in events):
            await notify_applicant(tx, case, channel=channel)
    # The sealed document is rendered after this transaction (sealing.issue_document).
    # A decision here is notified with its sealed document (sealing._record), so the notice
    # never goes out before the applicant can download what it announces.
    returned = any(isinstance(e, WorkClosed) and e.decision for e in events)
    if returned and not case.facts.escalated_from:
        await notify_applicant(tx, case, channel=channel)

"""The unit of work of a case command: load, check who acts, append, project, notify."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role, same_department
from libs.events.contract import JointCompleted, WorkClosed
from libs.events.http import Problem
from libs.events.registry import Event
from libs.events.store import load, save
from services.approval.adapters import joint_store, projection
from services.approval.application.context import Context
from services.approval.application.joint.stages import follow_stage
from services.approval.application.sealing import notify_applicant
from services.approval.domain.case import Actor, ApprovalCase
from services.approval.domain.department import (
    Department,
    ItemRules,
    department_stream,
    item_rules_stream,
)

VIEWERS = frozenset({Role.admin, Role.supervisor, Role.integrator})


def actor_of(principal: Principal) -> Actor:
    """The domain's view of the caller."""
    return Actor(principal.sub, principal.role.value)


async def load_case(conn: AsyncConnection, ctx: Context, case_id: str) -> ApprovalCase:
    """The case as its stream leaves it (empty when this center has no work for it)."""
    case = await load(ctx.store, conn, ApprovalCase, case_id)
    case.calendar = await ctx.runtime.calendar(conn)
    return case


async def case_for(
    conn: AsyncConnection, ctx: Context, case_id: str, principal: Principal, *, acting: bool = True
) -> ApprovalCase:
    """The case, if the caller's center holds it (else 404) and department owns it (else 403)."""
    case = await load_case(conn, ctx, case_id)
    if case.opened is None or principal.center != case.facts.held_at:
        raise Problem(
            404,
            f"case {case_id} is not work of center {principal.center}",
            detail_zh=f"案件 {case_id} 不在中心 {principal.center} 办理",
        )
    if same_department(principal, case.facts.department):
        return case
    if case.joint is not None and principal.department in case.joint.parts:
        return case  # 并联审批: a co-department acts on its own part
    if not acting and principal.role in VIEWERS:
        return case
    raise Problem(
        403,
        f"case {case.facts.case_no} belongs to department {case.facts.department}, "
        f"not {principal.department}",
        rule="SameDepartmentOnly",
        detail_zh=f"案件 {case.facts.case_no} 属于部门 {case.facts.department}，"
        f"不属于 {principal.department}",
    )


async def department(conn: AsyncConnection, ctx: Context, code: str) -> Department:
    """A department's authorization, posts and absences."""
    return await load(ctx.store, conn, Department, department_stream(code))


async def item_rules(conn: AsyncConnection, ctx: Context, code: str) -> ItemRules:
    """An item's approval rules (defaults when none were set)."""
    return await load(ctx.store, conn, ItemRules, item_rules_stream(code))


async def commit(
    conn: AsyncConnection, ctx: Context, case: ApprovalCase, events: Sequence[Event]
) -> None:
    """Append at the loaded version (ConcurrencyError when it moved), then update what follows."""
    if not events:
        return
    await save(ctx.store, conn, case, events)
    # A calendar load that locked the row first has committed once we hold it: read it again.
    await projection.lock(conn, case.stream_id)
    case.calendar = await ctx.runtime.calendar(conn)
    await projection.refresh(conn, case)
    if case.joint is not None:
        await joint_store.refresh_parts(conn, case)
        await follow_stage(conn, ctx, case, events)
        if any(isinstance(e, JointCompleted) for e in events):
            await notify_applicant(conn, ctx, case)
    # The sealed document is rendered after this transaction (sealing.issue_document).
    # A decision here is notified with its sealed document (sealing._record), so the notice
    # never goes out before the applicant can download what it announces.
    returned = any(isinstance(e, WorkClosed) and e.decision for e in events)
    if returned and not case.facts.escalated_from:
        await notify_applicant(conn, ctx, case)

"""Approval configuration: window authorization, A/B posts and absences, item rules."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role, same_department
from libs.events.http import Problem
from libs.events.instants import BeijingRoute
from services.approval.adapters.references import item_of
from services.approval.api.deps import Admin, Ctx, Manager, Viewer
from services.approval.api.schemas import (
    AbsencePut,
    AuthorizationPut,
    DepartmentRead,
    ItemRulesPut,
    ItemRulesRead,
    PostHoldersIn,
    PostsPut,
)
from services.approval.application.configure import (
    AuthorizeWindow,
    NamePosts,
    SetItemRules,
    authorize_window,
    name_posts,
    set_item_rules,
)
from services.approval.application.mark_absence import MarkAbsence, mark_absence
from services.approval.application.unit import department, item_rules
from services.approval.domain.department import Department, ItemRules
from services.approval.events import PostHolders

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["configuration"])


def _here(ctx: Ctx, principal: Principal) -> None:
    if principal.center != ctx.center:
        raise Problem(
            403,
            f"this approval node configures center {ctx.center} only",
            detail_zh=f"本审批节点只能配置中心 {ctx.center}",
        )


def _department_read(staff: Department) -> DepartmentRead:
    return DepartmentRead(
        department=staff.code,
        window_decides=list(staff.window_decides),
        pre_review=list(staff.pre_review),
        special_disposal=staff.special_disposal,
        posts={name: PostHoldersIn(a=h.a, b=h.b) for name, h in staff.posts.items()},
        absent=sorted(staff.absent),
        version=staff.version,
    )


async def _rules_read(conn: AsyncConnection, code: str, rules: ItemRules) -> ItemRulesRead:
    item = await item_of(conn, code)
    return ItemRulesRead(
        item_code=code,
        deemed_approval=None if item is None else item.deemed_approval,
        countersign=rules.countersign,
        extension_cap_days=rules.extension_cap_days,
        extension_basis=rules.extension_basis,
        version=rules.version,
    )


@router.get("/departments/{code}")
async def get_department(code: str, ctx: Ctx, principal: Viewer) -> DepartmentRead:
    """A department's window authorization, posts and who is away."""
    _here(ctx, principal)
    async with ctx.runtime.engine.connect() as conn:
        return _department_read(await department(conn, ctx, code))


@router.put("/departments/{code}/authorization")
async def put_authorization(
    code: str, body: AuthorizationPut, ctx: Ctx, principal: Admin
) -> DepartmentRead:
    """授权到位: the kinds the window decides alone; cases opened from now on follow it."""
    _here(ctx, principal)
    cmd = AuthorizeWindow(
        code, list(body.window_decides), list(body.pre_review), body.special_disposal
    )
    async with ctx.runtime.transaction() as conn:
        return _department_read(await authorize_window(conn, cmd, ctx=ctx, principal=principal))


@router.put("/departments/{code}/posts")
async def put_posts(code: str, body: PostsPut, ctx: Ctx, principal: Admin) -> DepartmentRead:
    """A/B岗: name the A and B person of each post (window, review, approve)."""
    _here(ctx, principal)
    posts: dict[str, PostHolders] = {n: PostHolders(a=h.a, b=h.b) for n, h in body.posts.items()}
    async with ctx.runtime.transaction() as conn:
        staff = await name_posts(conn, NamePosts(code, posts), ctx=ctx, principal=principal)
    return _department_read(staff)


@router.put("/departments/{code}/absences/{person}")
async def put_absence(
    code: str, person: str, body: AbsencePut, ctx: Ctx, principal: Manager
) -> DepartmentRead:
    """Mark a person away (their open work goes to the B post at once) or back."""
    _here(ctx, principal)
    if principal.role == Role.approver and not same_department(principal, code):
        raise Problem(
            403,
            f"{principal.sub} leads {principal.department}, not {code}",
            detail_zh=f"{principal.sub} 负责部门 {principal.department}，不能配置部门 {code}",
        )
    cmd = MarkAbsence(code, person, body.absent, body.reason)
    async with ctx.runtime.transaction() as conn:
        return _department_read(await mark_absence(conn, cmd, ctx=ctx, principal=principal))


@router.get("/items/{code}/approval-rules")
async def get_item_rules(code: str, ctx: Ctx, principal: Viewer) -> ItemRulesRead:
    """How an item's cases are approved here."""
    async with ctx.runtime.engine.connect() as conn:
        return await _rules_read(conn, code, await item_rules(conn, ctx, code))


@router.put("/items/{code}/approval-rules")
async def put_item_rules(
    code: str, body: ItemRulesPut, ctx: Ctx, principal: Admin
) -> ItemRulesRead:
    """Deemed approval, countersigners and the extension cap for cases opened from now on."""
    _here(ctx, principal)
    cmd = SetItemRules(code, body.countersign, body.extension_cap_days, body.extension_basis)
    async with ctx.runtime.transaction() as conn:
        rules = await set_item_rules(conn, cmd, ctx=ctx, principal=principal)
        return await _rules_read(conn, code, rules)

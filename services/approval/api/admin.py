"""Approval configuration: window authorization, A/B posts and absences, item rules."""

from __future__ import annotations

from fastapi import APIRouter

from libs.events.auth import Principal, Role, same_department
from libs.events.instants import BeijingRoute
from services.approval.api.admin_schemas import (
    AbsencePut,
    AuthorizationPut,
    DepartmentRead,
    ItemRulesPut,
    ItemRulesRead,
    PostsPut,
)
from services.approval.api.deps import Admin, AppDep, Manager, Viewer
from services.approval.application.configure import (
    AuthorizeWindow,
    NamePosts,
    SetItemRules,
    authorize_window,
    name_posts,
    read_department,
    read_item_rules,
    set_item_rules,
)
from services.approval.application.mark_absence import MarkAbsence, mark_absence
from services.approval.bootstrap import App
from services.approval.domain.access import CenterOnly, OwnDepartmentOnly
from services.approval.events import PostHolders

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["configuration"])


def here(approval: App, principal: Principal) -> None:
    """Only this node's center is configured here."""
    center = approval.settings.center_code
    if principal.center != center:
        raise CenterOnly(
            f"this approval node configures center {center} only",
            detail_zh=f"本审批节点只能配置中心 {center}",
        )


@router.get("/departments/{code}")
async def get_department(code: str, approval: AppDep, principal: Viewer) -> DepartmentRead:
    """A department's window authorization, posts and who is away."""
    here(approval, principal)
    return DepartmentRead.of(await read_department(code, uow=approval.uow))


@router.put("/departments/{code}/authorization")
async def put_authorization(
    code: str, body: AuthorizationPut, approval: AppDep, principal: Admin
) -> DepartmentRead:
    """授权到位: the kinds the window decides alone; cases opened from now on follow it."""
    here(approval, principal)
    cmd = AuthorizeWindow(
        code, list(body.window_decides), list(body.pre_review), body.special_disposal
    )
    staff = await authorize_window(
        cmd,
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return DepartmentRead.of(staff)


@router.put("/departments/{code}/posts")
async def put_posts(
    code: str, body: PostsPut, approval: AppDep, principal: Admin
) -> DepartmentRead:
    """A/B岗: name the A and B person of each post (window, review, approve)."""
    here(approval, principal)
    posts: dict[str, PostHolders] = {n: PostHolders(a=h.a, b=h.b) for n, h in body.posts.items()}
    staff = await name_posts(
        NamePosts(code, posts),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return DepartmentRead.of(staff)


@router.put("/departments/{code}/absences/{person}")
async def put_absence(
    code: str, person: str, body: AbsencePut, approval: AppDep, principal: Manager
) -> DepartmentRead:
    """Mark a person away (their open work goes to the B post at once) or back."""
    here(approval, principal)
    if principal.role == Role.approver and not same_department(principal, code):
        raise OwnDepartmentOnly(
            f"{principal.sub} leads {principal.department}, not {code}",
            detail_zh=f"{principal.sub} 负责部门 {principal.department}，不能配置部门 {code}",
        )
    staff = await mark_absence(
        MarkAbsence(code, person, body.absent, body.reason),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return DepartmentRead.of(staff)


@router.get("/items/{code}/approval-rules")
async def get_item_rules(code: str, approval: AppDep, principal: Viewer) -> ItemRulesRead:
    """How an item's cases are approved here."""
    return ItemRulesRead.of(code, await read_item_rules(code, uow=approval.uow))


@router.put("/items/{code}/approval-rules")
async def put_item_rules(
    code: str, body: ItemRulesPut, approval: AppDep, principal: Admin
) -> ItemRulesRead:
    """Deemed approval, countersigners and the extension cap for cases opened from now on."""
    here(approval, principal)
    cmd = SetItemRules(code, body.countersign, body.extension_cap_days, body.extension_basis)
    view = await set_item_rules(
        cmd,
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return ItemRulesRead.of(code, view)

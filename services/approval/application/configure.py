"""Approval configuration as events: window authorization, A/B posts, item approval rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.ports import ApprovalUnit, CatalogItem
from services.approval.application.unit import department, item_rules
from services.approval.config import Settings
from services.approval.domain.department import Department, ItemRules, check_extension_cap
from services.approval.events import (
    ApprovalItemRulesSet,
    DepartmentAuthorized,
    DepartmentPostsNamed,
    PostHolders,
)


@dataclass(frozen=True)
class AuthorizeWindow:
    """授权到位: the kinds the window decides alone and those it pre-reviews."""

    department: str
    window_decides: list[str]
    pre_review: list[str]
    special_disposal: bool = False


async def authorize_window(
    cmd: AuthorizeWindow,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> Department:
    """Append `department.authorized`; cases opened from now on follow it."""
    authorized = DepartmentAuthorized(
        center=settings.center_code,
        department=cmd.department,
        window_decides=sorted(set(cmd.window_decides)),
        pre_review=sorted(set(cmd.pre_review)),
        special_disposal=cmd.special_disposal,
        by=principal.sub,
        at=clock.now(),
    )
    async with uow.begin() as tx:
        staff = await department(tx, cmd.department)
        await tx.events.save(staff, [authorized])
    return staff


@dataclass(frozen=True)
class NamePosts:
    """A/B岗: the A and B persons of each post."""

    department: str
    posts: dict[str, PostHolders]


async def name_posts(
    cmd: NamePosts, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> Department:
    """Append `department.posts_named`."""
    named = DepartmentPostsNamed(
        center=settings.center_code,
        department=cmd.department,
        posts=cmd.posts,
        by=principal.sub,
        at=clock.now(),
    )
    async with uow.begin() as tx:
        staff = await department(tx, cmd.department)
        await tx.events.save(staff, [named])
    return staff


@dataclass(frozen=True)
class SetItemRules:
    """How an item's cases are approved."""

    item_code: str
    countersign: list[str] = field(default_factory=list)
    extension_cap_days: int = 10
    extension_basis: str = ""


async def set_item_rules(
    cmd: SetItemRules,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ItemRulesView:
    """Append `approval.item_rules_set`; cases opened from now on keep these rules."""
    check_extension_cap(cmd.extension_cap_days, cmd.extension_basis)
    changed = ApprovalItemRulesSet(
        center=settings.center_code,
        item_code=cmd.item_code,
        countersign=list(dict.fromkeys(cmd.countersign)),
        extension_cap_days=cmd.extension_cap_days,
        extension_basis=cmd.extension_basis.strip(),
        by=principal.sub,
        at=clock.now(),
    )
    async with uow.begin() as tx:
        rules = await item_rules(tx, cmd.item_code)
        await tx.events.save(rules, [changed])
        return ItemRulesView(rules, await tx.views.item_of(cmd.item_code))


@dataclass(frozen=True)
class ItemRulesView:
    """An item's approval rules and the catalogue item (its deemed approval flag), if known."""

    rules: ItemRules
    item: CatalogItem | None


async def read_item_rules(code: str, *, uow: ApprovalUnit) -> ItemRulesView:
    """How an item's cases are approved here."""
    async with uow.begin() as tx:
        return ItemRulesView(await item_rules(tx, code), await tx.views.item_of(code))


async def read_department(code: str, *, uow: ApprovalUnit) -> Department:
    """A department's authorization, posts and absences."""
    async with uow.begin() as tx:
        return await department(tx, code)

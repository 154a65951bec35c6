"""Approval configuration as events: window authorization, A/B posts, item approval rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.store import save
from services.approval.application.context import Context
from services.approval.application.unit import department, item_rules
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
    conn: AsyncConnection, cmd: AuthorizeWindow, *, ctx: Context, principal: Principal
) -> Department:
    """Append `department.authorized`; cases opened from now on follow it."""
    staff = await department(conn, ctx, cmd.department)
    authorized = DepartmentAuthorized(
        center=ctx.center,
        department=cmd.department,
        window_decides=sorted(set(cmd.window_decides)),
        pre_review=sorted(set(cmd.pre_review)),
        special_disposal=cmd.special_disposal,
        by=principal.sub,
        at=ctx.now(),
    )
    await save(ctx.store, conn, staff, [authorized])
    return staff


@dataclass(frozen=True)
class NamePosts:
    """A/B岗: the A and B persons of each post."""

    department: str
    posts: dict[str, PostHolders]


async def name_posts(
    conn: AsyncConnection, cmd: NamePosts, *, ctx: Context, principal: Principal
) -> Department:
    """Append `department.posts_named`."""
    staff = await department(conn, ctx, cmd.department)
    named = DepartmentPostsNamed(
        center=ctx.center,
        department=cmd.department,
        posts=cmd.posts,
        by=principal.sub,
        at=ctx.now(),
    )
    await save(ctx.store, conn, staff, [named])
    return staff


@dataclass(frozen=True)
class SetItemRules:
    """How an item's cases are approved."""

    item_code: str
    countersign: list[str] = field(default_factory=list)
    extension_cap_days: int = 10
    extension_basis: str = ""


async def set_item_rules(
    conn: AsyncConnection, cmd: SetItemRules, *, ctx: Context, principal: Principal
) -> ItemRules:
    """Append `approval.item_rules_set`; cases opened from now on keep these rules."""
    check_extension_cap(cmd.extension_cap_days, cmd.extension_basis)
    rules = await item_rules(conn, ctx, cmd.item_code)
    changed = ApprovalItemRulesSet(
        center=ctx.center,
        item_code=cmd.item_code,
        countersign=list(dict.fromkeys(cmd.countersign)),
        extension_cap_days=cmd.extension_cap_days,
        extension_basis=cmd.extension_basis.strip(),
        by=principal.sub,
        at=ctx.now(),
    )
    await save(ctx.store, conn, rules, [changed])
    return rules

"""Request and response bodies of approval's configuration: departments and item rules."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from libs.events.http import Code, RequestBody
from services.approval.application.configure import ItemRulesView
from services.approval.domain.department import Department

AuthorizedKind = Literal["immediate", "promised", "joint", "reported", "supplement", "returned"]
PostName = Literal["window", "review", "approve"]


class AuthorizationPut(RequestBody):
    """授权到位: what the window decides alone, and what it pre-reviews for the department."""

    window_decides: list[AuthorizedKind]
    pre_review: list[AuthorizedKind] = []
    special_disposal: bool = False


class PostHoldersIn(RequestBody):
    """The A person of a post and the B who stands in."""

    a: Code
    b: Code | None = None


class PostsPut(RequestBody):
    """A/B岗 for each post of the department."""

    posts: dict[PostName, PostHoldersIn]


class AbsencePut(RequestBody):
    """Away (work goes to B at once) or back."""

    absent: bool
    reason: str = ""


class ItemRulesPut(RequestBody):
    """How an item's cases are approved (defaults: single approver, 10 working days' extension).

    Deemed approval (超时默许) is set on the catalogue item only (intake's `deemed_approval`).
    """

    countersign: list[str] = []
    extension_cap_days: int = Field(
        default=10, ge=0, le=60, description="above 10 (行政许可法 art. 42) needs extension_basis"
    )
    extension_basis: str = Field(
        default="", max_length=500, description="the law allowing a longer extension"
    )


class DepartmentRead(BaseModel):
    """A department's approval configuration."""

    department: str
    window_decides: list[str]
    pre_review: list[str]
    special_disposal: bool
    posts: dict[str, PostHoldersIn]
    absent: list[str]
    version: int

    @classmethod
    def of(cls, staff: Department) -> DepartmentRead:
        """The view of a department's configuration."""
        return cls(
            department=staff.code,
            window_decides=list(staff.window_decides),
            pre_review=list(staff.pre_review),
            special_disposal=staff.special_disposal,
            posts={name: PostHoldersIn(a=h.a, b=h.b) for name, h in staff.posts.items()},
            absent=sorted(staff.absent),
            version=staff.version,
        )


class ItemRulesRead(BaseModel):
    """An item's approval rules."""

    item_code: str
    deemed_approval: bool | None = Field(
        description="read-only: the catalogue item's flag (null until approval has seen the item)"
    )
    countersign: list[str]
    extension_cap_days: int
    extension_basis: str
    version: int

    @classmethod
    def of(cls, code: str, view: ItemRulesView) -> ItemRulesRead:
        """The view of an item's rules, its deemed approval from the catalogue item."""
        rules, item = view.rules, view.item
        return cls(
            item_code=code,
            deemed_approval=None if item is None else item.deemed_approval,
            countersign=rules.countersign,
            extension_cap_days=rules.extension_cap_days,
            extension_basis=rules.extension_basis,
            version=rules.version,
        )

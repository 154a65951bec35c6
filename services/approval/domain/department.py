"""A department's approval configuration: window authorization and A/B posts with absences."""

from __future__ import annotations

from collections.abc import Iterable

from libs.events.aggregate import Aggregate
from libs.events.registry import Event
from services.approval.domain.rules import ExtensionCapNeedsLegalBasis
from services.approval.events import (
    ApprovalItemRulesSet,
    DepartmentAbsenceMarked,
    DepartmentAuthorized,
    DepartmentPostsNamed,
    PostHolders,
)

# Quanzhou's template: the window decides 即办件, 补办件 and 退回件 alone.
DEFAULT_WINDOW_DECIDES = ("immediate", "supplement", "returned")
DEFAULT_PRE_REVIEW = ("promised", "joint", "reported")
DEFAULT_EXTENSION_CAP_DAYS = 10  # 行政许可法 art. 42: ten more working days at most
POSTS = ("window", "review", "approve")


def department_stream(code: str) -> str:
    """The stream holding one department's configuration."""
    return f"department:{code}"


def item_rules_stream(code: str) -> str:
    """The stream holding one catalogue item's approval rules."""
    return f"item-rules:{code}"


class Department(Aggregate):
    """Who decides what at the window, who holds each post, and who is away."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.code = stream_id.removeprefix("department:")
        self.window_decides: tuple[str, ...] = DEFAULT_WINDOW_DECIDES
        self.pre_review: tuple[str, ...] = DEFAULT_PRE_REVIEW
        self.special_disposal = False
        self.posts: dict[str, PostHolders] = {}
        self.absent: set[str] = set()

    def when(self, event: Event) -> None:
        """Fold authorization, posts and absences."""
        match event:
            case DepartmentAuthorized():
                self.window_decides = tuple(event.window_decides)
                self.pre_review = tuple(event.pre_review)
                self.special_disposal = event.special_disposal
            case DepartmentPostsNamed():
                self.posts = dict(event.posts)
            case DepartmentAbsenceMarked(absent=True):
                self.absent.add(event.person)
            case DepartmentAbsenceMarked(absent=False):
                self.absent.discard(event.person)

    def window_may_decide(self, kind: str) -> bool:
        """Whether the window clerk decides cases of this kind alone."""
        return kind in self.window_decides

    def holder(self, post: str) -> str | None:
        """A if present, else B if present, else nobody: the department's pool takes it."""
        holders = self.posts.get(post)
        if holders is None:
            return None
        for person in (holders.a, holders.b):
            if person and person not in self.absent:
                return person
        return None

    def substitute(self, person: str) -> str | None:
        """The person, or the B of a post they hold while they are away (None: no stand-in)."""
        if person not in self.absent:
            return person
        for holders in self.posts.values():
            if holders.a == person and holders.b and holders.b not in self.absent:
                return holders.b
        return None

    def substitutes(self, people: Iterable[str]) -> list[str]:
        """Each present person, or their stand-in; duplicates and the unreplaceable dropped."""
        found = (self.substitute(p) for p in people)
        return list(dict.fromkeys(p for p in found if p))

    def people(self) -> set[str]:
        """Everyone named on a post."""
        return {p for h in self.posts.values() for p in (h.a, h.b) if p}

    def holds(self, person: str, post: str) -> bool:
        """Whether the person is the A or the B of a post, so can act on its steps."""
        holders = self.posts.get(post)
        return holders is not None and person in (holders.a, holders.b)

    def may_receive(self, person: str) -> bool:
        """A hand-over target: present, and on a post when posts are named."""
        if person in self.absent:
            return False
        return not self.posts or person in self.people()


class ItemRules(Aggregate):
    """How one item's cases are approved (deemed approval is the catalogue item's alone)."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.countersign: list[str] = []
        self.extension_cap_days = DEFAULT_EXTENSION_CAP_DAYS
        self.extension_basis = ""

    def when(self, event: Event) -> None:
        """Fold the latest rules."""
        if isinstance(event, ApprovalItemRulesSet):
            self.countersign = list(event.countersign)
            self.extension_cap_days = event.extension_cap_days
            self.extension_basis = event.extension_basis


def check_extension_cap(days: int, basis: str) -> None:
    """At most 10 working days (行政许可法 art. 42) unless the item cites a law allowing more."""
    if days > DEFAULT_EXTENSION_CAP_DAYS and not basis.strip():
        raise ExtensionCapNeedsLegalBasis(
            f"extension_cap_days {days} exceeds the 10 working days of 行政许可法 art. 42: "
            "cite the law that allows more in extension_basis"
        )

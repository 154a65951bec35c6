"""Request and response bodies of the approval API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from libs.events.clock import BeijingTime
from libs.events.contract import Procedure
from libs.events.http import Code, RequestBody
from libs.events.words import case_status, status_zh
from services.approval.api.project_schemas import JointRead
from services.approval.application.configure import ItemRulesView
from services.approval.domain.case import ApprovalCase
from services.approval.domain.department import Department

AuthorizedKind = Literal["immediate", "promised", "joint", "reported", "supplement", "returned"]
PostName = Literal["window", "review", "approve"]


class ReviewCreate(RequestBody):
    """一审: the reviewer's opinion."""

    opinion: Literal["approve", "deny"]
    comment: str = ""


class DecisionCreate(RequestBody):
    """一核: the decision; a denial cites its reasons."""

    decision: Literal["approved", "denied"]
    reasons: str = ""


class SuspensionCreate(RequestBody):
    """Stop the clock for a procedure; hearing, inspection, testing, appraisal and expert review
    state how many working days they will take (行政许可法 art. 45)."""

    procedure: Procedure
    reason: str = ""
    expected_days: int | None = Field(
        default=None, ge=1, le=250, description="working days the procedure is expected to take"
    )


class ExtensionCreate(RequestBody):
    """延期 by some working days; the new deadline is computed, never given."""

    days: int = Field(ge=1)
    reason: str = Field(min_length=1)


class HandOverCreate(RequestBody):
    """委派 / 转办 to another person of the department."""

    to: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class CountersignCreate(RequestBody):
    """会签: the approvers who must all sign."""

    approvers: list[str] = Field(min_length=1)
    reason: str = ""


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


class WorkItemRead(BaseModel):
    """One line of the worklist."""

    case_id: str
    case_no: str
    center: str = Field(description="the center that accepted the case")
    held_at: str = Field(description="the center doing the work (this one)")
    department: str
    item_code: str
    item_name: str
    applicant_name: str = Field("", description="masked: 张**")
    kind: str
    status: str
    status_zh: str
    step: str
    assignee: str | None
    countersigners: list[str]
    accepted_at: BeijingTime
    deadline: BeijingTime
    due_day: date
    escalated_from: str | None = Field(
        default=None, description="a linked case (上报件): the center below that sent it up"
    )
    received_at: BeijingTime | None = Field(
        default=None, description="when this center received the linked case"
    )

    @classmethod
    def of(cls, row: dict[str, Any]) -> WorkItemRead:
        """A worklist row, its status in the shared vocabulary."""
        status = case_status(row["status"])
        return cls.model_validate({**row, "status": status, "status_zh": status_zh(status)})


class NoticeRead(BaseModel):
    """A message sent (or waiting to be sent) to the applicant: what, to whom (masked), when."""

    kind: Literal["decision", "suspension"]
    channel: str
    to: str = Field(description="the phone, masked: 139****0002")
    text: str
    queued_at: BeijingTime
    sent_at: BeijingTime | None
    attempts: int
    last_error: str | None


class CaseRead(BaseModel):
    """A work item with its review, pauses, extension, decision, delivery and notices."""

    case_id: str
    case_no: str
    center: str
    held_at: str
    department: str
    item_code: str
    item_name: str
    kind: str
    status: str
    status_zh: str
    step: str
    assignee: str | None
    window_decides: bool
    deemed_approval: bool
    deadline: BeijingTime
    due_day: date
    provisional: bool
    reviews: list[dict[str, str]]
    countersigners: list[str]
    signed_by: list[str]
    suspended: dict[str, Any] | None
    pauses: list[dict[str, Any]]
    extension: dict[str, Any] | None
    decision: dict[str, Any] | None
    escalated_to: str
    delivered: dict[str, Any] | None
    notices: list[NoticeRead] = []
    version: int
    joint: JointRead | None = None  # 并联审批: the stage's parts and who is waited on

    @classmethod
    def of(cls, case: ApprovalCase, notices: list[dict[str, Any]] | None = None) -> CaseRead:
        """The view of a loaded case (and the notices sent to its applicant)."""
        facts, deadline = case.facts, case.current_deadline
        outcome = case.decision.outcome if case.decision else None
        return cls(
            **facts.model_dump(include=_FACTS),
            status=(status := case_status(case.status, outcome)),
            status_zh=status_zh(status),
            step=case.step,
            assignee=case.assignee,
            deadline=deadline.at,
            due_day=deadline.due_day,
            provisional=deadline.provisional,
            reviews=[vars(r) for r in case.reviews],
            countersigners=case.countersigners,
            signed_by=list(case.signatures),
            suspended=vars(case.pause) if case.pause else None,
            pauses=[vars(p) for p in case.pauses],
            extension=case.extension.model_dump(include=_EXTENSION) if case.extension else None,
            decision=vars(case.decision) if case.decision else None,
            escalated_to=case.escalated_to,
            delivered=case.delivered.model_dump(include=_DELIVERY) if case.delivered else None,
            notices=[NoticeRead.model_validate(n) for n in notices or []],
            version=case.version,
            joint=JointRead.of(case.joint) if case.joint else None,
        )


_FACTS = {
    "case_id",
    "case_no",
    "center",
    "held_at",
    "department",
    "item_code",
    "item_name",
    "kind",
    "window_decides",
    "deemed_approval",
}
_EXTENSION = {"days", "reason", "by", "extended_at"}
_DELIVERY = {"channel", "delivered_at"}


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

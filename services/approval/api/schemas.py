"""Request and response bodies of the approval API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from libs.events.clock import BeijingTime
from libs.events.contract import Procedure
from libs.events.http import RequestBody
from libs.events.words import case_status, status_zh
from services.approval.api.project_schemas import JointRead, PauseRead
from services.approval.domain.case import ApprovalCase


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


class ReviewRead(BaseModel):
    """A reviewer's opinion (一审)."""

    reviewer: str
    opinion: str
    comment: str


class ExtensionRead(BaseModel):
    """The one extension (延期)."""

    days: int
    reason: str
    by: str
    extended_at: datetime


class OutcomeRead(BaseModel):
    """How the case ended: here, by deemed approval, or above and returned."""

    outcome: str
    by: str
    at: datetime
    reasons: str
    document_id: str
    returned_from: str


class DeliveryRead(BaseModel):
    """送达: how and when the decision reached the applicant."""

    channel: str
    delivered_at: datetime


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
    reviews: list[ReviewRead]
    countersigners: list[str]
    signed_by: list[str]
    suspended: PauseRead | None
    pauses: list[PauseRead]
    extension: ExtensionRead | None
    decision: OutcomeRead | None
    escalated_to: str
    delivered: DeliveryRead | None
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
            reviews=[ReviewRead.model_validate(vars(r)) for r in case.reviews],
            countersigners=case.countersigners,
            signed_by=list(case.signatures),
            suspended=PauseRead.model_validate(vars(case.pause)) if case.pause else None,
            pauses=[PauseRead.model_validate(vars(p)) for p in case.pauses],
            extension=_maybe(ExtensionRead, case.extension),
            decision=OutcomeRead.model_validate(vars(case.decision)) if case.decision else None,
            escalated_to=case.escalated_to,
            delivered=_maybe(DeliveryRead, case.delivered),
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
M = TypeVar("M", bound=BaseModel)


def _maybe(model: type[M], event: BaseModel | None) -> M | None:
    """The read model of an event's fields it declares, or None."""
    return (
        None
        if event is None
        else model.model_validate(event.model_dump(include=set(model.model_fields)))
    )

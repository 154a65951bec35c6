"""The case's life in approval: review, pauses, extension, decision, escalation, delivery."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from libs.events.contract.cases import CaseEvent, Kind, Procedure
from libs.events.privacy import mask_name
from libs.events.registry import CASE_EVENTS, Event, registry


@registry.register("onewindow.case.reviewed.v1", topic=CASE_EVENTS)
class CaseReviewed(CaseEvent):
    reviewer: str
    opinion: Literal["approve", "deny"]
    comment: str = ""
    department: str = ""


@registry.register("onewindow.case.suspended.v1", topic=CASE_EVENTS)
class CaseSuspended(CaseEvent):
    procedure: Procedure
    suspended_at: datetime
    reason: str = ""
    # 行政许可法 art. 45: how long the special procedure is expected to take (working days).
    expected_days: int | None = None
    expected_until: date | None = None


@registry.register("onewindow.case.resumed.v1", topic=CASE_EVENTS)
class CaseResumed(CaseEvent):
    """The clock restarts; the pause was `suspended_at`..`resumed_at` (libs/events/caseclock).

    `paused_working_days` and the deadline fields report what approval derived; every service
    derives its own from the interval.
    """

    resumed_at: datetime
    suspended_at: datetime | None = None  # absent in events recorded before it was added
    paused_working_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False


@registry.register("onewindow.case.decided.v1", topic=CASE_EVENTS)
class CaseDecided(CaseEvent):
    decision: Literal["approved", "denied"]
    reasons: str = ""
    decided_by: str
    department: str
    decided_at: datetime
    document_id: str = ""  # the sealed decision document (approval service)


@registry.register("onewindow.case.deemed_approved.v1", topic=CASE_EVENTS)
class CaseDeemedApproved(CaseEvent):
    deemed_at: datetime
    deadline: datetime
    department: str = ""
    document_id: str = ""


class MaskedApplicant(Event):
    """The applicant as another center may see them (libs/events/privacy.py)."""

    name: str = ""
    id_type: str = ""
    id_no: str = ""
    phone: str = ""


@registry.register("onewindow.case.escalated.v2", topic=CASE_EVENTS)
class CaseEscalated(CaseEvent):
    """上报: a reported case pre-reviewed here goes to the deciding center with what it needs.

    v2 replaced v1's unmasked `applicant_name` by the masked `applicant` and added `materials`.
    """

    to_center: str
    escalated_at: datetime
    item_code: str = ""
    department: str = ""
    # What the deciding center needs to open the work without calling back (approval service).
    case_no: str = ""
    item_version: int = 0
    item_name: str = ""
    kind: Kind = "reported"
    accepted_at: datetime | None = None
    limit_days: int | None = None
    deadline: datetime | None = None
    due_day: date | None = None
    provisional: bool = False
    deemed_approval: bool = False
    applicant: MaskedApplicant | None = None
    materials: list[str] = []  # codes of the materials received
    opinion: Literal["approve", "deny"] | None = None  # the accepting center's pre-review


@registry.upcaster("onewindow.case.escalated.v1", "onewindow.case.escalated.v2")
def escalated_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """A v1 node's escalation: its applicant name becomes the masked applicant."""
    name = data.pop("applicant_name", "") or ""
    data.setdefault("applicant", {"name": mask_name(name)} if name else None)
    data.setdefault("materials", [])
    return data


@registry.register("onewindow.case.escalation_received.v1", topic=CASE_EVENTS)
class CaseEscalationReceived(CaseEvent):
    """The deciding center took in a case escalated to it: its own record of the linked case
    (center: the accepting center), appended with the work it opens there."""

    received_by: str  # the deciding center, where the work is now held
    case_no: str = ""  # the accepting center's case number
    item_code: str = ""
    department: str = ""
    escalated_at: datetime
    received_at: datetime
    deadline: datetime | None = None  # the accepting center's deadline, which still runs


@registry.register("onewindow.case.escalation_returned.v1", topic=CASE_EVENTS)
class CaseEscalationReturned(CaseEvent):
    """The deciding center's result for the accepting center, with its sealed document."""

    from_center: str
    decision: Literal["approved", "denied"]
    reasons: str = ""
    returned_at: datetime
    case_no: str = ""
    document: dict[str, str] = {}  # the decision document as sealed (canonical fields)
    pdf: str = ""  # its PDF, base64
    seal: dict[str, str] = {}  # the deciding department's electronic seal over both


@registry.register("onewindow.case.decision_issued.v1", topic=CASE_EVENTS)
class CaseDecisionIssued(CaseEvent):
    """The sealed decision document, published whole so that the accepting center's intake can
    hand it to the applicant (public lookup by case number and query code) without a call back."""

    document_id: str
    document: dict[str, str]  # the canonical document exactly as signed
    pdf: str  # base64 of the PDF bytes the seal covers
    seal: dict[str, str]
    public_key_pem: str
    issued_at: datetime


@registry.register("onewindow.case.delivered.v1", topic=CASE_EVENTS)
class CaseDelivered(CaseEvent):
    channel: Literal["sms", "voice", "pickup", "download"]
    delivered_at: datetime


@registry.register("onewindow.case.countersigned.v1", topic=CASE_EVENTS)
class CaseCountersigned(CaseEvent):
    """One approver of a countersign signed; the last signature (or a denial) decides."""

    department: str
    approver: str
    decision: Literal["approved", "denied"]
    reasons: str = ""
    signed_at: datetime


@registry.register("onewindow.case.extended.v1", topic=CASE_EVENTS)
class CaseExtended(CaseEvent):
    """The one extension (延期) of a case; the new deadline is derived from the old one."""

    department: str
    days: int
    reason: str
    by: str
    extended_at: datetime
    deadline: datetime
    due_day: date
    provisional: bool = False

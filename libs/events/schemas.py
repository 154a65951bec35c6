"""The contract's integration events (CONTRACT.md "Events"): payloads every level understands.

Payloads carry what a consumer needs without calling back. Adding an optional field is a minor
change (same type name; consumers ignore what they don't know); renaming or removing one is a
new major version `...v2` with an upcaster from v1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from libs.events.registry import Event, registry

Kind = Literal["immediate", "promised", "joint", "reported"]
Channel = Literal["window", "online"]
Procedure = Literal["correction", "hearing", "expert_review", "inspection", "public_notice"]
Color = Literal["green", "yellow", "red"]


class Applicant(Event):
    """Who applies: a person (resident ID) or an enterprise (unified social credit code)."""

    name: str
    id_type: str
    id_no: str
    phone: str


class CaseEvent(Event):
    """Every case event names its case and the center that holds it."""

    case_id: str
    center: str


@registry.register("onewindow.case.submitted.v1")
class CaseSubmitted(CaseEvent):
    case_no: str
    item_code: str
    item_version: int
    item_name: str
    department: str
    kind: Kind
    channel: Channel
    applicant: Applicant
    materials: list[str]
    missing: list[str]
    submitted_at: datetime
    legal_limit_days: int
    promised_limit_days: int
    deemed_approval: bool = False
    submitted_by: str = ""


@registry.register("onewindow.case.supplement_requested.v1")
class CaseSupplementRequested(CaseEvent):
    missing: list[str]
    notice_no: int = 1
    reasons: dict[str, str] = {}  # material code -> why it was not accepted (wrong, expired …)


@registry.register("onewindow.case.supplemented.v1")
class CaseSupplemented(CaseEvent):
    materials: list[str]
    missing: list[str]


@registry.register("onewindow.case.accepted.v1")
class CaseAccepted(CaseEvent):
    case_no: str
    item_code: str
    item_version: int
    department: str
    kind: Kind
    channel: Channel
    accepted_at: datetime
    accepted_by: str = ""
    limit_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False
    deemed_approval: bool = False
    tolerated_missing: list[str] = []
    supplement_by: date | None = None
    promise: str = ""  # the applicant's written promise (承诺书) for the tolerated materials
    item_name: str = ""


@registry.register("onewindow.case.refused.v1")
class CaseRefused(CaseEvent):
    reason: str
    refused_at: datetime
    refused_by: str = ""


@registry.register("onewindow.case.withdrawn.v1")
class CaseWithdrawn(CaseEvent):
    reason: str = ""
    withdrawn_at: datetime
    withdrawn_by: str = ""


@registry.register("onewindow.case.returned.v1")
class CaseReturned(CaseEvent):
    """退件: a tolerated (容缺) material was not supplied by the promised date."""

    reason: str
    missing: list[str]
    supplement_by: date
    returned_at: datetime


@registry.register("onewindow.case.promise_extended.v1")
class CasePromiseExtended(CaseEvent):
    """The department extended a 容缺 promise, once, with a reason."""

    supplement_by: date
    previous_supplement_by: date
    reason: str
    extended_by: str = ""
    extended_at: datetime


@registry.register("onewindow.case.deadline_changed.v1")
class CaseDeadlineChanged(CaseEvent):
    """The deadline moved: a calendar year was loaded, a pause ended or an extension granted."""

    deadline: datetime
    due_day: date
    provisional: bool
    cause: Literal["calendar", "resumed", "extended"]
    note: str = ""


@registry.register("onewindow.case.reviewed.v1")
class CaseReviewed(CaseEvent):
    reviewer: str
    opinion: Literal["approve", "deny"]
    comment: str = ""
    department: str = ""


@registry.register("onewindow.case.suspended.v1")
class CaseSuspended(CaseEvent):
    procedure: Procedure
    suspended_at: datetime
    reason: str = ""


@registry.register("onewindow.case.resumed.v1")
class CaseResumed(CaseEvent):
    resumed_at: datetime
    paused_working_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False


@registry.register("onewindow.case.decided.v1")
class CaseDecided(CaseEvent):
    decision: Literal["approved", "denied"]
    reasons: str = ""
    decided_by: str
    department: str
    decided_at: datetime


@registry.register("onewindow.case.deemed_approved.v1")
class CaseDeemedApproved(CaseEvent):
    deemed_at: datetime
    deadline: datetime


@registry.register("onewindow.case.escalated.v1")
class CaseEscalated(CaseEvent):
    to_center: str
    escalated_at: datetime
    item_code: str = ""
    department: str = ""


@registry.register("onewindow.case.escalation_returned.v1")
class CaseEscalationReturned(CaseEvent):
    from_center: str
    decision: Literal["approved", "denied"]
    reasons: str = ""
    returned_at: datetime


@registry.register("onewindow.case.delivered.v1")
class CaseDelivered(CaseEvent):
    channel: Literal["sms", "voice", "pickup", "download"]
    delivered_at: datetime


@registry.register("onewindow.joint.started.v1")
class JointStarted(CaseEvent):
    stage: str
    lead_department: str
    parts: dict[str, datetime]  # department -> its own deadline
    started_at: datetime


@registry.register("onewindow.joint.part_decided.v1")
class JointPartDecided(CaseEvent):
    department: str
    decision: Literal["approved", "denied"]
    decided_at: datetime


@registry.register("onewindow.joint.completed.v1")
class JointCompleted(CaseEvent):
    outcome: Literal["approved", "denied"]
    completed_at: datetime


class CatalogMaterial(Event):
    """One material an item asks for; key materials can never be tolerated (容缺)."""

    code: str
    name: str
    required: bool = True
    key: bool = False


class JointDepartment(Event):
    """A department of a joint item (联办件) with its own limit in working days."""

    department: str
    limit_days: int


@registry.register("onewindow.catalog.item_published.v1")
class ItemPublished(Event):
    """A new version of a catalogue item (事项), carried whole: consumers need no call back."""

    center: str
    code: str
    version: int
    name: str
    department: str
    kind: Kind
    legal_basis: str = ""
    legal_limit_days: int
    promised_limit_days: int
    fees: str = ""
    materials: list[CatalogMaterial]
    deemed_approval: bool = False
    online: bool = False
    green_channel: bool = False
    lead_department: str | None = None
    departments: list[JointDepartment] = []
    decided_by_center: str | None = None
    published_at: datetime
    published_by: str = ""


@registry.register("onewindow.calendar.year_loaded.v1")
class CalendarYearLoaded(Event):
    """A center administrator loaded a year's official schedule (holidays, adjusted workdays)."""

    year: int
    holidays: list[date]
    workdays: list[date]
    loaded_by: str = ""


@registry.register("onewindow.light.changed.v1")
class LightChanged(CaseEvent):
    color: Color
    previous: Color | None = None
    at: datetime
    deadline: datetime


@registry.register("onewindow.opinion.issued.v1")
class OpinionIssued(Event):
    opinion_id: str
    department: str
    center: str
    text: str
    case_id: str | None = None
    answer_by: datetime


@registry.register("onewindow.opinion.answered.v1")
class OpinionAnswered(Event):
    opinion_id: str
    answer: str
    answered_at: datetime


@registry.register("onewindow.complaint.filed.v1")
class ComplaintFiled(Event):
    complaint_id: str
    center: str
    department: str
    text: str
    case_id: str | None = None
    filed_at: datetime


@registry.register("onewindow.complaint.resolved.v1")
class ComplaintResolved(Event):
    complaint_id: str
    answer: str
    resolved_at: datetime


@registry.register("onewindow.anomaly.detected.v1")
class AnomalyDetected(Event):
    anomaly_id: str
    rule: str
    center: str
    case_id: str | None = None
    evidence: dict[str, str]
    detected_at: datetime

"""The contract's integration events (CONTRACT.md "Events"): payloads every level understands.

Payloads carry what a consumer needs without calling back. Adding an optional field is a minor
change (same type name; consumers ignore what they don't know); renaming or removing one is a
new major version `...v2` with an upcaster from v1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from libs.events import integrators  # noqa: F401  (registers the subscription events)
from libs.events.privacy import mask_name
from libs.events.registry import Event, registry

Kind = Literal["immediate", "promised", "joint", "reported"]
Channel = Literal["window", "online"]
Procedure = Literal[
    "correction", "hearing", "expert_review", "inspection", "testing", "appraisal", "public_notice"
]
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
    # Every material of the item version by code, so a reader names them without the catalogue.
    material_names: dict[str, str] = {}


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
    # A reported case (上报件): the center that decides it, as its item names it, so approval
    # escalates it rightly even before the item's own event reached it.
    decided_by_center: str | None = None
    # Why, when no clerk accepted it: `deemed_art32` = materials not judged within 5 working
    # days of receipt, so accepted from the day they were received (行政许可法 art. 32).
    cause: str = ""


@registry.register("onewindow.case.acceptance_due.v1")
class CaseAcceptanceDue(CaseEvent):
    """The window is warned: materials received online are still unjudged and the case will
    count as accepted at `deemed_at` (5 working days after receipt, 行政许可法 art. 32)."""

    case_no: str
    department: str
    item_name: str = ""
    received_at: datetime
    deemed_at: datetime
    warned_at: datetime


@registry.register("onewindow.case.refused.v1")
class CaseRefused(CaseEvent):
    reason: str
    refused_at: datetime
    refused_by: str = ""


@registry.register("onewindow.case.withdrawn.v1")
class CaseWithdrawn(CaseEvent):
    """撤回 confirmed: by intake before acceptance, by approval (which decides) after it."""

    reason: str = ""
    withdrawn_at: datetime
    withdrawn_by: str = ""


@registry.register("onewindow.case.withdrawal_requested.v1")
class CaseWithdrawalRequested(CaseEvent):
    """The applicant asked to withdraw an accepted case; approval confirms or refuses it."""

    reason: str = ""
    requested_at: datetime
    requested_by: str = ""


@registry.register("onewindow.case.withdrawal_refused.v1")
class CaseWithdrawalRefused(CaseEvent):
    """Approval refused a withdrawal because the case was decided first."""

    reason: str
    decision: str = ""  # the outcome that won: approved, denied, deemed_approved
    refused_at: datetime


@registry.register("onewindow.case.withdrawal_refusal_noted.v1")
class CaseWithdrawalRefusalNoted(CaseEvent):
    """Intake took approval's refusal of the withdrawal: its case is accepted again, as before
    the request; `reason` is approval's, `summary` what the applicant reads."""

    reason: str
    decision: str = ""
    summary: str
    noted_at: datetime


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
    """Reports a derived move of the deadline (a calendar year loaded, the extension granted).

    A report, not a command: every service derives the deadline itself (libs.events.caseclock).
    """

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
    # 行政许可法 art. 45: how long the special procedure is expected to take (working days).
    expected_days: int | None = None
    expected_until: date | None = None


@registry.register("onewindow.case.resumed.v1")
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


@registry.register("onewindow.case.decided.v1")
class CaseDecided(CaseEvent):
    decision: Literal["approved", "denied"]
    reasons: str = ""
    decided_by: str
    department: str
    decided_at: datetime
    document_id: str = ""  # the sealed decision document (approval service)


@registry.register("onewindow.case.deemed_approved.v1")
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


@registry.register("onewindow.case.escalated.v2")
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


@registry.register("onewindow.case.escalation_received.v1")
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


@registry.register("onewindow.case.escalation_returned.v1")
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


@registry.register("onewindow.case.decision_issued.v1")
class CaseDecisionIssued(CaseEvent):
    """The sealed decision document, published whole so that the accepting center's intake can
    hand it to the applicant (public lookup by case number and query code) without a call back."""

    document_id: str
    document: dict[str, str]  # the canonical document exactly as signed
    pdf: str  # base64 of the PDF bytes the seal covers
    seal: dict[str, str]
    public_key_pem: str
    issued_at: datetime


@registry.register("onewindow.case.delivered.v1")
class CaseDelivered(CaseEvent):
    channel: Literal["sms", "voice", "pickup", "download"]
    delivered_at: datetime


# Approval (services/approval): work items, hand-overs, countersigning, extensions, configuration.
Step = Literal["window", "pre_review", "review", "decide"]


@registry.register("onewindow.work.opened.v1")
class WorkOpened(CaseEvent):
    """An accepted (or escalated-in) case became work for a department, with its frozen rules."""

    held_at: str  # the center doing the work; differs from `center` for an escalated case
    case_no: str
    item_code: str
    item_version: int = 0
    item_name: str = ""
    department: str
    kind: Kind
    accepted_at: datetime
    limit_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False
    deemed_approval: bool = False
    window_decides: bool = False  # the department authorized its window to decide this kind
    countersigners: list[str] = []
    extension_cap_days: int = 10
    escalate_to: str = ""  # a reported case: the center that decides after the pre-review
    escalated_from: str = ""  # an escalated case: the center that accepted it
    opened_at: datetime


@registry.register("onewindow.work.assigned.v1")
class WorkAssigned(CaseEvent):
    """Who holds the current step: the post's A, its B while A is absent, or nobody (the pool)."""

    department: str
    step: Step
    post: str
    assignee: str | None = None
    cause: Literal["opened", "step", "absence"]
    assigned_at: datetime


@registry.register("onewindow.work.transferred.v1")
class WorkTransferred(CaseEvent):
    """A person handed the work to another person of the department: 委派 or 转办."""

    department: str
    mode: Literal["delegated", "transferred"]
    from_assignee: str | None = None
    to_assignee: str
    by: str
    reason: str
    transferred_at: datetime


@registry.register("onewindow.work.countersign_required.v1")
class WorkCountersignRequired(CaseEvent):
    """The decision needs the signature of every named approver (会签)."""

    department: str
    approvers: list[str]
    by: str = ""
    reason: str = ""
    required_at: datetime


@registry.register("onewindow.case.countersigned.v1")
class CaseCountersigned(CaseEvent):
    """One approver of a countersign signed; the last signature (or a denial) decides."""

    department: str
    approver: str
    decision: Literal["approved", "denied"]
    reasons: str = ""
    signed_at: datetime


@registry.register("onewindow.case.extended.v1")
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


@registry.register("onewindow.work.rescheduled.v1")
class WorkRescheduled(CaseEvent):
    """Written by earlier releases (the work adopted intake's deadline); read, never written now.

    Every service derives the deadline itself (libs/events/caseclock), so folds ignore it.
    """

    deadline: datetime
    due_day: date
    provisional: bool = False
    cause: str = "calendar"


@registry.register("onewindow.work.closed.v1")
class WorkClosed(CaseEvent):
    """Work ended without a decision here: withdrawn, or decided above and returned."""

    cause: Literal["withdrawn", "escalation_returned"]
    closed_at: datetime
    decision: Literal["approved", "denied"] | None = None
    reasons: str = ""
    from_center: str = ""


@registry.register("onewindow.department.authorized.v1")
class DepartmentAuthorized(Event):
    """授权到位: what the department's window decides alone and what it only pre-reviews."""

    center: str
    department: str
    window_decides: list[str]
    pre_review: list[str]
    special_disposal: bool = False
    by: str = ""
    at: datetime


class PostHolders(Event):
    """The A person of a post and the named B who takes over while A is absent."""

    a: str
    b: str | None = None


@registry.register("onewindow.department.posts_named.v1")
class DepartmentPostsNamed(Event):
    """A/B岗: for each post (window, review, approve) the A and B persons."""

    center: str
    department: str
    posts: dict[str, PostHolders]
    by: str = ""
    at: datetime


@registry.register("onewindow.department.absence_marked.v1")
class DepartmentAbsenceMarked(Event):
    """A person of the department is marked absent (their work goes to the B post) or back."""

    center: str
    department: str
    person: str
    absent: bool
    reason: str = ""
    by: str = ""
    at: datetime


@registry.register("onewindow.approval.item_rules_set.v1")
class ApprovalItemRulesSet(Event):
    """How the departments approve one catalogue item: countersign and the extension cap."""

    center: str
    item_code: str
    # Ignored: deemed approval is the catalogue item's `deemed_approval` alone (kept so that
    # events written before that are still read).
    deemed_approval: bool | None = None
    countersign: list[str] = []
    extension_cap_days: int = 10
    extension_basis: str = ""  # the law allowing a cap above art. 42's 10 working days
    by: str = ""
    at: datetime


@registry.register("onewindow.joint.started.v1")
class JointStarted(CaseEvent):
    """同步启动: every department's part of a joint case starts at the lead's acceptance."""

    stage: str
    lead_department: str
    parts: dict[str, datetime]  # department -> its own deadline
    started_at: datetime
    limits: dict[str, int] = {}  # department -> its limit in working days
    stage_deadline: datetime | None = None  # set when it differs from acceptance's (绿色通道)
    stage_due_day: date | None = None
    project_id: str = ""


@registry.register("onewindow.joint.part_decided.v1")
class JointPartDecided(CaseEvent):
    department: str
    decision: Literal["approved", "denied"]
    decided_at: datetime
    reasons: str = ""
    decided_by: str = ""
    stage: str = ""


@registry.register("onewindow.joint.completed.v1")
class JointCompleted(CaseEvent):
    outcome: Literal["approved", "denied"]
    completed_at: datetime
    reasons: str = ""
    denied_by: str = ""  # the department whose denial ended the stage
    project_id: str = ""


@registry.register("onewindow.joint.part_suspended.v1")
class JointPartSuspended(CaseEvent):
    """One department's part is paused (补正, a special procedure); the other parts run on."""

    department: str
    procedure: Procedure
    suspended_at: datetime
    reason: str = ""
    # 行政许可法 art. 45, as for a whole case: the procedure's expected working days.
    expected_days: int | None = None
    expected_until: date | None = None


@registry.register("onewindow.joint.part_resumed.v1")
class JointPartResumed(CaseEvent):
    """The part's clock runs again; its deadline moved by the working days the pause covered."""

    department: str
    resumed_at: datetime
    suspended_at: datetime | None = None  # the pause's start (libs/events/caseclock)
    paused_working_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False


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


@registry.register("onewindow.catalog.item_retired.v1")
class ItemRetired(Event):
    """An item withdrawn from the catalogue (a law repealed, a 审改 round): it accepts no new
    cases; cases already received go on under their version."""

    center: str
    code: str
    version: int  # the version current when it was retired
    reason: str
    legal_basis: str = ""
    retired_at: datetime
    retired_by: str


@registry.register("onewindow.calendar.year_loaded.v1")
class CalendarYearLoaded(Event):
    """A center administrator loaded a year's official schedule (holidays, adjusted workdays)."""

    year: int
    holidays: list[date]
    workdays: list[date]
    loaded_by: str = ""


@registry.register("onewindow.org.center_named.v1")
class CenterNamed(Event):
    """A center's name (政务服务中心), printed on receipts, decisions, reports and the dashboard."""

    center: str
    name: str
    by: str = ""
    named_at: datetime


@registry.register("onewindow.org.department_named.v1")
class DepartmentNamed(Event):
    """A department's name at one center (city 国土局 and county 国土局 are different units)."""

    center: str
    code: str
    name: str
    by: str = ""
    named_at: datetime


@registry.register("onewindow.light.changed.v1")
class LightChanged(CaseEvent):
    color: Color
    previous: Color | None = None
    at: datetime
    deadline: datetime
    department: str = ""
    part: str = ""  # a joint part as `<stage>/<department>`; empty for the whole case


@registry.register("onewindow.opinion.issued.v1")
class OpinionIssued(Event):
    opinion_id: str
    department: str
    center: str
    text: str
    case_id: str | None = None
    answer_by: datetime
    issued_by: str = ""
    issued_at: datetime | None = None


@registry.register("onewindow.opinion.answered.v1")
class OpinionAnswered(Event):
    opinion_id: str
    answer: str
    answered_at: datetime
    answered_by: str = ""


@registry.register("onewindow.complaint.filed.v1")
class ComplaintFiled(Event):
    complaint_id: str
    center: str
    department: str
    text: str
    case_id: str | None = None
    filed_at: datetime
    filed_by: str = ""
    answer_by: datetime | None = None


@registry.register("onewindow.complaint.resolved.v1")
class ComplaintResolved(Event):
    complaint_id: str
    answer: str
    resolved_at: datetime
    resolved_by: str = ""


@registry.register("onewindow.anomaly.detected.v1")
class AnomalyDetected(Event):
    anomaly_id: str
    rule: str
    center: str
    case_id: str | None = None
    evidence: dict[str, str]
    detected_at: datetime


# Supervision (services/supervision): the warning ladder, ratings and rectification notices.


@registry.register("onewindow.light.warning_issued.v1")
class WarningIssued(CaseEvent):
    """A rung of the warning ladder fired once: 临界预警, 超时警告 or escalation to the head."""

    rung: Literal["yellow", "red", "escalation"]
    department: str
    deadline: datetime
    fired_at: datetime
    notify: list[str]  # recipients such as `department:<code>` or `department-head:<code>`
    notify_at: datetime  # the first working-hours instant at or after fired_at


@registry.register("onewindow.rating.given.v1")
class CaseRated(Event):
    """好差评: the applicant rated a completed case (1-5); a bad rating opens a follow-up."""

    rating_id: str
    case_id: str
    center: str
    department: str
    score: int
    comment: str = ""
    rated_by: str
    rated_at: datetime
    answer_by: datetime | None = None  # set for a bad rating: the department answers by then


@registry.register("onewindow.rating.answered.v1")
class RatingAnswered(Event):
    """The department followed up a bad rating, remedied and answered the applicant."""

    rating_id: str
    follow_up: str
    remedy: str
    answer: str
    answered_by: str
    answered_at: datetime


@registry.register("onewindow.rating.appealed.v1")
class RatingAppealed(Event):
    """The applicant appealed the department's answer (once)."""

    rating_id: str
    reason: str
    appealed_at: datetime


@registry.register("onewindow.rating.appeal_decided.v1")
class RatingAppealDecided(Event):
    """A supervisor decided the appeal; upheld sends the rating back for a new answer."""

    rating_id: str
    upheld: bool
    note: str = ""
    decided_by: str
    decided_at: datetime
    answer_by: datetime | None = None


@registry.register("onewindow.notice.issued.v1")
class RectificationNoticeIssued(Event):
    """效能督查整改通知书: a department must rectify by a deadline."""

    notice_id: str
    center: str
    department: str
    text: str
    issued_by: str
    issued_at: datetime
    rectify_by: datetime


@registry.register("onewindow.notice.answered.v1")
class RectificationNoticeAnswered(Event):
    """The department reported its rectification."""

    notice_id: str
    answer: str
    answered_by: str
    answered_at: datetime


# Investment projects (并联审批 stages, green channel, agency): libs/events/projects.py
from libs.events import projects as _projects  # noqa: E402, F401

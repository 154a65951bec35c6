"""The case's life at the window (intake): submission, acceptance, supplements, withdrawal.

Payloads carry what a consumer needs without calling back. Adding an optional field is a minor
change (same type name; consumers ignore what they don't know); renaming or removing one is a
new major version `...v2` with an upcaster from v1 (CONTRACT.md "Events").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from libs.events.registry import CASE_EVENTS, Event, registry

Kind = Literal["immediate", "promised", "joint", "reported"]
Channel = Literal["window", "online"]
Procedure = Literal[
    "correction", "hearing", "expert_review", "inspection", "testing", "appraisal", "public_notice"
]


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


@registry.register("onewindow.case.submitted.v1", topic=CASE_EVENTS)
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


@registry.register("onewindow.case.supplement_requested.v1", topic=CASE_EVENTS)
class CaseSupplementRequested(CaseEvent):
    missing: list[str]
    notice_no: int = 1
    reasons: dict[str, str] = {}  # material code -> why it was not accepted (wrong, expired …)


@registry.register("onewindow.case.supplemented.v1", topic=CASE_EVENTS)
class CaseSupplemented(CaseEvent):
    materials: list[str]
    missing: list[str]


@registry.register("onewindow.case.accepted.v1", topic=CASE_EVENTS)
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


@registry.register("onewindow.case.acceptance_due.v1", topic=CASE_EVENTS)
class CaseAcceptanceDue(CaseEvent):
    """The window is warned: materials received online are still unjudged and the case will
    count as accepted at `deemed_at` (5 working days after receipt, 行政许可法 art. 32)."""

    case_no: str
    department: str
    item_name: str = ""
    received_at: datetime
    deemed_at: datetime
    warned_at: datetime


@registry.register("onewindow.case.refused.v1", topic=CASE_EVENTS)
class CaseRefused(CaseEvent):
    reason: str
    refused_at: datetime
    refused_by: str = ""


@registry.register("onewindow.case.withdrawn.v1", topic=CASE_EVENTS)
class CaseWithdrawn(CaseEvent):
    """撤回 confirmed: by intake before acceptance, by approval (which decides) after it."""

    reason: str = ""
    withdrawn_at: datetime
    withdrawn_by: str = ""


@registry.register("onewindow.case.withdrawal_requested.v1", topic=CASE_EVENTS)
class CaseWithdrawalRequested(CaseEvent):
    """The applicant asked to withdraw an accepted case; approval confirms or refuses it."""

    reason: str = ""
    requested_at: datetime
    requested_by: str = ""


@registry.register("onewindow.case.withdrawal_refused.v1", topic=CASE_EVENTS)
class CaseWithdrawalRefused(CaseEvent):
    """Approval refused a withdrawal because the case was decided first."""

    reason: str
    decision: str = ""  # the outcome that won: approved, denied, deemed_approved
    refused_at: datetime


@registry.register("onewindow.case.withdrawal_refusal_noted.v1", topic=CASE_EVENTS)
class CaseWithdrawalRefusalNoted(CaseEvent):
    """Intake took approval's refusal of the withdrawal: its case is accepted again, as before
    the request; `reason` is approval's, `summary` what the applicant reads."""

    reason: str
    decision: str = ""
    summary: str
    noted_at: datetime


@registry.register("onewindow.case.returned.v1", topic=CASE_EVENTS)
class CaseReturned(CaseEvent):
    """退件: a tolerated (容缺) material was not supplied by the promised date."""

    reason: str
    missing: list[str]
    supplement_by: date
    returned_at: datetime


@registry.register("onewindow.case.promise_extended.v1", topic=CASE_EVENTS)
class CasePromiseExtended(CaseEvent):
    """The department extended a 容缺 promise, once, with a reason."""

    supplement_by: date
    previous_supplement_by: date
    reason: str
    extended_by: str = ""
    extended_at: datetime


@registry.register("onewindow.case.deadline_changed.v1", topic=CASE_EVENTS)
class CaseDeadlineChanged(CaseEvent):
    """Reports a derived move of the deadline (a calendar year loaded, the extension granted).

    A report, not a command: every service derives the deadline itself (libs.events.caseclock).
    """

    deadline: datetime
    due_day: date
    provisional: bool
    cause: Literal["calendar", "resumed", "extended"]
    note: str = ""

"""Request and response bodies of the intake API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from libs.events.clock import BeijingTime
from libs.events.contract import Channel, Kind
from libs.events.http import RequestBody
from services.intake.domain.catalog import CODE_PATTERN, TEXT_PATTERN, ItemVersion
from services.intake.domain.identity import IdType


class ItemRead(ItemVersion):
    """One version of a catalogue item."""

    published_at: BeijingTime

    @classmethod
    def of(cls, item: ItemVersion) -> ItemRead:
        """The answer for one version."""
        return cls.model_validate(item.model_dump())


class ApplicantIn(RequestBody):
    """A person (resident ID, passport, permits for Hong Kong, Macao and Taiwan residents,
    foreigner's permanent residence ID) or an enterprise (credit code, GB 32100)."""

    name: str = Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)
    id_type: IdType
    id_no: str = Field(min_length=1, max_length=32, pattern=TEXT_PATTERN)
    phone: str = Field(min_length=1, max_length=32, pattern=TEXT_PATTERN)


class RejectedMaterial(RequestBody):
    """A material handed in but not acceptable (wrong, expired, unsigned …), and why."""

    code: str = Field(pattern=CODE_PATTERN)
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT_PATTERN)


Codes = Annotated[list[Annotated[str, Field(pattern=CODE_PATTERN)]], Field(max_length=200)]
Rejections = Annotated[list[RejectedMaterial], Field(max_length=200)]


class CaseCreate(RequestBody):
    """A case received at a window or online."""

    item_code: str = Field(pattern=CODE_PATTERN)
    applicant: ApplicantIn
    materials: Codes = Field(default_factory=list)
    rejected: Rejections = Field(default_factory=list)
    channel: Channel | None = Field(
        default=None, description="default: `window` for clerks, `online` for applicants"
    )


class NoticeEntry(BaseModel):
    """One line of the one-time notice (一次告知)."""

    code: str
    name: str
    key: bool
    reason: str


class CaseCreated(BaseModel):
    """The new case; `missing` is the complete one-time notice."""

    case_id: str
    case_no: str
    query_code: str
    status: str
    item_code: str
    item_version: int
    missing: list[str]
    notice: list[NoticeEntry]


class SupplementCreate(RequestBody):
    """Materials brought after a notice (补正), or tolerated ones after acceptance."""

    materials: Codes = Field(default_factory=list)
    rejected: Rejections = Field(default_factory=list)


class SupplementRead(BaseModel):
    """What is still missing; a further notice names only materials of the first one."""

    case_id: str
    status: str
    materials: list[str]
    missing: list[str]
    notice_no: int | None
    notice: list[NoticeEntry]


class AcceptCreate(RequestBody):
    """受理; with `tolerated_missing` and `supplement_by` it is 容缺受理."""

    tolerated_missing: Codes = Field(default_factory=list)
    supplement_by: date | None = None
    promise: str = Field(
        default="",
        max_length=2000,
        pattern=TEXT_PATTERN,
        description="the written promise (承诺书)",
    )


class AcceptRead(BaseModel):
    """The accepted case and its deadline under the working-day rules."""

    case_id: str
    case_no: str
    status: Literal["accepted"]
    accepted_at: BeijingTime
    limit_days: int
    deadline: BeijingTime
    due_day: date
    provisional: bool
    tolerated_missing: list[str]
    supplement_by: date | None
    promise: str


class RefuseCreate(RequestBody):
    """不予受理 and its (legal) reason."""

    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)


class WithdrawCreate(RequestBody):
    """撤回, optionally with the applicant's reason."""

    reason: str = Field(default="", max_length=2000, pattern=TEXT_PATTERN)


class ExtendCreate(RequestBody):
    """The department's one extension of a 容缺 promise."""

    supplement_by: date
    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)


class StatusRead(BaseModel):
    """A case's status after a command."""

    case_id: str
    status: str
    reason: str | None = None
    supplement_by: date | None = None


class HistoryEntry(BaseModel):
    """One event of the case, from intake or another service."""

    type: str
    at: BeijingTime
    source: str
    data: dict[str, Any]


class ItemRef(BaseModel):
    """The item version a case keeps."""

    code: str
    version: int
    name: str


class ApplicantRead(BaseModel):
    """The applicant as answers show them: the number and the phone masked."""

    name: str
    id_type: str
    id_type_name: str
    id_no: str
    phone: str


class CaseRead(BaseModel):
    """A case: its state, deadline and history."""

    case_id: str
    case_no: str
    query_code: str | None
    center: str
    status: str
    status_zh: str
    intake_status: str
    outcome: str | None
    delivered_at: BeijingTime | None
    item: ItemRef
    department: str
    kind: Kind
    channel: Channel
    applicant: ApplicantRead
    submitted_by: str
    submitted_at: BeijingTime
    materials: list[str]
    missing: list[str]
    notice: list[NoticeEntry]
    notices: int
    accepted_at: BeijingTime | None
    limit_days: int | None
    deadline: BeijingTime | None
    due_day: date | None
    provisional: bool
    tolerated_missing: list[str]
    supplement_by: date | None
    promise: str
    promise_extended: bool
    history: list[HistoryEntry]


class CaseSummary(BaseModel):
    """A line of a case list; the applicant's number is masked."""

    case_id: str
    case_no: str
    item_code: str
    item_name: str
    department: str
    status: str
    status_zh: str
    outcome: str | None
    applicant_name: str
    applicant_id_no: str
    submitted_at: BeijingTime
    deadline: BeijingTime | None
    provisional: bool


class PublicCaseRead(BaseModel):
    """What anyone holding the case number and query code may see."""

    case_no: str
    item_name: str
    department: str
    department_name: str
    center: str
    center_name: str
    status: str
    status_zh: str
    submitted_at: BeijingTime
    accepted_at: BeijingTime | None
    deadline: BeijingTime | None
    due_day: date | None
    provisional: bool
    decided_at: BeijingTime | None


class PublicDecisionRead(BaseModel):
    """A sealed decision document, as approval published it."""

    case_id: str
    document_id: str
    document: dict[str, str]
    pdf: str = Field(description="base64 of the PDF the seal covers")
    seal: dict[str, str]
    public_key_pem: str
    issued_at: BeijingTime


class CalendarLoaded(BaseModel):
    """The loaded year and the open cases whose deadline was recomputed."""

    year: int
    recomputed: list[str]


CaseId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="the case id")]
CaseNo = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9]{1,64}$", description="the case number")]

"""Response shapes of the supervision API (requests are the application's commands)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from libs.events.clock import BeijingTime
from libs.events.contract import Color


class PartLightRead(BaseModel):
    """One light of `GET /v1/lights`: a whole case (part ""), a joint part, or the delivery of a
    granted licence (part "delivery": 10 working days from the decision, 行政许可法 art. 44)."""

    case_id: str
    case_no: str | None
    part: str
    stage: str | None
    center: str | None
    department: str | None
    item_code: str | None
    item_name: str | None
    status: str | None
    status_zh: str | None = None
    delivered: bool = False
    color: Color
    deadline: BeijingTime
    due_day: date
    provisional: bool
    limit_days: int
    remaining: float
    paused: bool
    completed_at: BeijingTime | None
    outcome: str | None


class CaseSummaryRead(BaseModel):
    """One line of `GET /v1/cases`: the case, its applicant masked, and its light now."""

    case_id: str
    case_no: str | None
    center: str
    department: str | None
    item_code: str | None
    item_name: str | None
    applicant_name: str
    applicant_id_no: str
    status: str
    status_zh: str
    delivered: bool
    received_at: BeijingTime
    accepted_at: BeijingTime | None
    deadline: BeijingTime | None
    completed_at: BeijingTime | None
    outcome: str | None
    color: Color | None
    remaining: float | None


class StageRead(BaseModel):
    """A joint stage shows the worst colour of its parts."""

    name: str | None
    color: Color | None


class CaseLightRead(BaseModel):
    """`GET /v1/cases/{case_id}/light`."""

    case_id: str
    color: Color | None
    deadline: BeijingTime | None
    remaining: float | None
    outcome: str | None
    status: str
    status_zh: str
    delivered: bool
    stage: StageRead | None
    parts: list[PartLightRead]
    delivery: PartLightRead | None = None


class StatsRead(BaseModel):
    """`GET /v1/stats`: the figures over a period, as known at `as_of`."""

    from_: date = Field(alias="from")
    to: date
    as_of: BeijingTime
    received: int
    accepted: int
    completed: int
    early: int
    on_time: int
    overdue: int
    on_time_rate: float | None
    early_rate: float | None
    average_working_days: float | None
    average_promised_days: float | None
    definitions: dict[str, str] = Field(
        description="how each rate and average is computed (口径), to print next to the figures"
    )
    groups: list[dict[str, object]] | None = None


class CaseRead(BaseModel):
    """`GET /v1/cases/{case_id}`: the supervised case's facts (status in the shared words)."""

    case_id: str
    center: str
    case_no: str | None
    item_code: str | None
    item_name: str | None
    department: str | None
    kind: str | None
    channel: str | None
    applicant_name: str | None
    submitted_by: str | None
    status: str
    received_at: BeijingTime | None
    received_known: BeijingTime | None
    accepted_at: BeijingTime | None
    accepted_known: BeijingTime | None
    deadline: BeijingTime | None
    due_day: date | None
    provisional: bool | None
    limit_days: int | None
    completed_at: BeijingTime | None
    completed_known: BeijingTime | None
    decision: str | None
    outcome: str | None
    used_days: float | None
    handled_by: str | None
    stage: str | None
    last_event: str
    last_sequence: int
    updated_at: BeijingTime
    status_zh: str
    delivered: bool


class TimelineEntryRead(BaseModel):
    """One line of the clock ledger: when, which event, in Chinese, and the event's data."""

    at: BeijingTime
    type: str
    text: str
    data: dict[str, Any]


class TimelineRead(BaseModel):
    """`GET /v1/cases/{case_id}/timeline`: why the case shows its colour."""

    case_id: str
    case_no: str | None
    item_name: str | None
    color: Color | None
    explanation: str
    entries: list[TimelineEntryRead]


class TrendPointRead(BaseModel):
    """One day of `GET /v1/stats/trend`: the rolling rates up to it."""

    day: date
    on_time_rate: float | None
    early_rate: float | None
    completed: int


class RankedWindowRead(BaseModel):
    """One window (center, department) of `GET /v1/ranking`, best first."""

    rank: int | None
    center: str
    department: str
    department_name: str
    center_name: str
    score: float | None
    on_time_rate: float | None
    good_rate: float | None
    average_rating: float | None
    ratings: int
    open_complaints: int
    anomalies: int
    accepted: int
    completed: int
    overdue: int


class ColourCountRead(BaseModel):
    """A department's or center's whole cases by colour."""

    code: str
    name: str
    green: int
    yellow: int
    red: int


class WarningLightRead(PartLightRead):
    """A yellow or red light of the board, named for people."""

    department_name: str
    center_name: str


class AcceptanceDueRead(BaseModel):
    """An online submission about to count as accepted (art. 32)."""

    case_id: str
    case_no: str | None
    center: str
    department: str | None
    department_name: str | None
    item_name: str | None
    received_at: str
    deemed_at: str
    remaining: float


class BoardRead(BaseModel):
    """`GET /v1/board`: the wall screen's data as of now."""

    as_of: BeijingTime
    totals: dict[str, int]
    by_department: list[ColourCountRead]
    by_center: list[ColourCountRead]
    warnings: list[WarningLightRead]
    trend: list[TrendPointRead]
    acceptance_due: list[AcceptanceDueRead]


class ReportTableRead(BaseModel):
    """A titled table of a report: its headings, rows of cells and a note."""

    title: str
    columns: list[str]
    rows: list[list[str | int | float | None]]
    note: str


class ReportRead(BaseModel):
    """`GET /v1/reports/{kind}` as JSON: the report's tables, as known at `as_of`."""

    kind: str
    title: str
    period: str
    as_of: BeijingTime
    tables: list[ReportTableRead]

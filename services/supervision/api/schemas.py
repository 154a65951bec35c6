"""Response shapes of the supervision API (requests are the application's commands)."""

from __future__ import annotations

from datetime import date

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

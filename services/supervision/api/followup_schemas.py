"""Answers of the follow-ups: opinions, complaints, notices, ratings (as stored, and as listed
with their light) and anomalies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from libs.events.clock import BeijingTime
from libs.events.contract import Color


class LoopLightRead(BaseModel):
    """An open (or answered) item's light, as a case's: its colour and working days left."""

    color: Color
    remaining: float


class OpinionRead(BaseModel):
    """督察意见 and its answer."""

    opinion_id: str
    center: str
    department: str
    case_id: str | None
    text: str
    issued_by: str
    issued_at: BeijingTime
    answer_by: BeijingTime
    status: str
    answer: str | None
    answered_by: str | None
    answered_at: BeijingTime | None


class ComplaintRead(BaseModel):
    """投诉 and its resolution."""

    complaint_id: str
    center: str
    department: str
    case_id: str | None
    text: str
    filed_by: str
    filed_at: BeijingTime
    answer_by: BeijingTime | None
    status: str
    answer: str | None
    resolved_by: str | None
    resolved_at: BeijingTime | None


class NoticeRead(BaseModel):
    """整改通知书 and the rectification report."""

    notice_id: str
    center: str
    department: str
    text: str
    issued_by: str
    issued_at: BeijingTime
    rectify_by: BeijingTime
    status: str
    answer: str | None
    answered_by: str | None
    answered_at: BeijingTime | None


class RatingRead(BaseModel):
    """好差评 and the closed loop of a bad one: answer, appeal, decision."""

    rating_id: str
    case_id: str
    center: str
    department: str
    score: int
    comment: str
    rated_by: str
    rated_at: BeijingTime
    status: str
    answer_by: BeijingTime | None
    follow_up: str | None
    remedy: str | None
    answer: str | None
    answered_by: str | None
    answered_at: BeijingTime | None
    appeal: str | None
    appealed_at: BeijingTime | None
    appeal_upheld: bool | None
    appeal_note: str | None
    appeal_decided_at: BeijingTime | None


class OpinionListed(OpinionRead):
    """An opinion in `GET /v1/opinions`, with its light."""

    light: LoopLightRead | None


class ComplaintListed(ComplaintRead):
    """A complaint in `GET /v1/complaints`, with its light."""

    light: LoopLightRead | None


class NoticeListed(NoticeRead):
    """A notice in `GET /v1/notices`, with its light."""

    light: LoopLightRead | None


class RatingListed(RatingRead):
    """A rating in `GET /v1/ratings`, with its light (none once nothing is due)."""

    light: LoopLightRead | None


class AnomalyListed(BaseModel):
    """An anomaly (体外循环, 二次告知 …) with its evidence; it has no light."""

    anomaly_id: str
    rule: str
    center: str
    department: str
    case_id: str | None
    evidence: dict[str, Any]
    detected_at: BeijingTime
    light: None = None

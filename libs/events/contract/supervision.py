"""What supervision publishes on `supervision-events` for every reader (CONTRACT.md "Events")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from libs.events.contract.cases import CaseEvent
from libs.events.registry import SUPERVISION_EVENTS, Event, registry

Color = Literal["green", "yellow", "red"]


@registry.register("onewindow.light.changed.v1", topic=SUPERVISION_EVENTS)
class LightChanged(CaseEvent):
    color: Color
    previous: Color | None = None
    at: datetime
    deadline: datetime
    department: str = ""
    part: str = ""  # a joint part as `<stage>/<department>`; empty for the whole case


@registry.register("onewindow.opinion.issued.v1", topic=SUPERVISION_EVENTS)
class OpinionIssued(Event):
    opinion_id: str
    department: str
    center: str
    text: str
    case_id: str | None = None
    answer_by: datetime
    issued_by: str = ""
    issued_at: datetime | None = None


@registry.register("onewindow.opinion.answered.v1", topic=SUPERVISION_EVENTS)
class OpinionAnswered(Event):
    opinion_id: str
    answer: str
    answered_at: datetime
    answered_by: str = ""


@registry.register("onewindow.complaint.filed.v1", topic=SUPERVISION_EVENTS)
class ComplaintFiled(Event):
    complaint_id: str
    center: str
    department: str
    text: str
    case_id: str | None = None
    filed_at: datetime
    filed_by: str = ""
    answer_by: datetime | None = None


@registry.register("onewindow.complaint.resolved.v1", topic=SUPERVISION_EVENTS)
class ComplaintResolved(Event):
    complaint_id: str
    answer: str
    resolved_at: datetime
    resolved_by: str = ""


@registry.register("onewindow.anomaly.detected.v1", topic=SUPERVISION_EVENTS)
class AnomalyDetected(Event):
    anomaly_id: str
    rule: str
    center: str
    case_id: str | None = None
    evidence: dict[str, str]
    detected_at: datetime

"""Joint cases (联办件): every department's part starts together and is decided on its own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from libs.events.contract.cases import CaseEvent, Procedure
from libs.events.registry import CASE_EVENTS, registry


@registry.register("onewindow.joint.started.v1", topic=CASE_EVENTS)
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


@registry.register("onewindow.joint.part_decided.v1", topic=CASE_EVENTS)
class JointPartDecided(CaseEvent):
    department: str
    decision: Literal["approved", "denied"]
    decided_at: datetime
    reasons: str = ""
    decided_by: str = ""
    stage: str = ""


@registry.register("onewindow.joint.completed.v1", topic=CASE_EVENTS)
class JointCompleted(CaseEvent):
    outcome: Literal["approved", "denied"]
    completed_at: datetime
    reasons: str = ""
    denied_by: str = ""  # the department whose denial ended the stage
    project_id: str = ""


@registry.register("onewindow.joint.part_suspended.v1", topic=CASE_EVENTS)
class JointPartSuspended(CaseEvent):
    """One department's part is paused (补正, a special procedure); the other parts run on."""

    department: str
    procedure: Procedure
    suspended_at: datetime
    reason: str = ""
    # 行政许可法 art. 45, as for a whole case: the procedure's expected working days.
    expected_days: int | None = None
    expected_until: date | None = None


@registry.register("onewindow.joint.part_resumed.v1", topic=CASE_EVENTS)
class JointPartResumed(CaseEvent):
    """The part's clock runs again; its deadline moved by the working days the pause covered."""

    department: str
    resumed_at: datetime
    suspended_at: datetime | None = None  # the pause's start (libs/events/caseclock)
    paused_working_days: int
    deadline: datetime
    due_day: date
    provisional: bool = False

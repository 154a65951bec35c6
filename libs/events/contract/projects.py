"""Investment construction projects (并联审批): series, stages, green channel, agency, site reviews.

A project is one long-lived stream `project:<id>` in the approval service; a series definition
is the stream `series:<code>`. Each stage is a joint item (联办件) whose case runs its parts;
these events say which case is which stage, and what the project as a whole took.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from libs.events.registry import CASE_EVENTS, Event, registry

Outcome = Literal["approved", "denied"]


class StageDefinition(Event):
    """One stage of a series: its code, name and the joint item that runs it."""

    code: str
    name: str
    item_code: str


class ProjectEvent(Event):
    """Every project event names its project and the center that holds it."""

    project_id: str
    center: str


@registry.register("onewindow.project.created.v1", topic=CASE_EVENTS)
class ProjectCreated(ProjectEvent):
    name: str
    series: str
    series_name: str
    stages: list[StageDefinition]
    applicant_name: str  # the enterprise (项目单位)
    created_by: str
    created_at: datetime


@registry.register("onewindow.project.agent_appointed.v1", topic=CASE_EVENTS)
class ProjectAgentAppointed(ProjectEvent):
    """全程代办: a center agent acts for the applicant through every stage."""

    agent: str
    by: str
    at: datetime


@registry.register("onewindow.project.green_channel_marked.v1", topic=CASE_EVENTS)
class ProjectGreenChannelMarked(ProjectEvent):
    """绿色通道: a key project; stage limits shrink by `factor` and it is tracked (跟踪督办)."""

    factor: float
    reason: str
    by: str
    at: datetime


@registry.register("onewindow.project.stage_started.v1", topic=CASE_EVENTS)
class ProjectStageStarted(ProjectEvent):
    stage: str
    case_id: str
    started_at: datetime
    limit_days: int
    deadline: datetime
    due_day: date
    parts: dict[str, datetime]
    green_channel: bool = False


@registry.register("onewindow.project.stage_completed.v1", topic=CASE_EVENTS)
class ProjectStageCompleted(ProjectEvent):
    stage: str
    case_id: str
    outcome: Outcome
    completed_at: datetime
    elapsed_days: int  # working days from the stage's start
    on_time: bool
    reasons: str = ""
    denied_by: str = ""
    result_to: str = ""  # who received the result: the agent, or the applicant


@registry.register("onewindow.project.stage_withdrawn.v1", topic=CASE_EVENTS)
class ProjectStageWithdrawn(ProjectEvent):
    """The stage's case was withdrawn (撤回) before a decision: the stage may be filed again."""

    stage: str
    case_id: str
    at: datetime


@registry.register("onewindow.project.completed.v1", topic=CASE_EVENTS)
class ProjectCompleted(ProjectEvent):
    """Every stage approved, or one denied: the project's total elapsed working days."""

    outcome: Outcome
    completed_at: datetime
    elapsed_days: int


@registry.register("onewindow.work.stage_bound.v1", topic=CASE_EVENTS)
class WorkStageBound(Event):
    """On the case's stream: this case is a stage of a project (before its acceptance)."""

    case_id: str
    center: str
    project_id: str
    stage: str
    stage_name: str
    factor: float = 1.0
    bound_at: datetime

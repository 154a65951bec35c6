"""Answers about projects (并联审批): green-channel tracking and per-series statistics."""

from __future__ import annotations

from pydantic import BaseModel

from libs.events.clock import BeijingTime
from libs.events.contract import Color


class StageRowRead(BaseModel):
    """A project's stage as tracked: its case, start, deadline and completion."""

    project_id: str
    stage: str
    position: int
    name: str
    case_id: str | None
    started_at: BeijingTime | None
    deadline: BeijingTime | None
    completed_at: BeijingTime | None
    outcome: str | None
    elapsed_days: int | None
    on_time: bool | None


class PartRead(BaseModel):
    """A joint part of the current stage, with its light."""

    department: str
    color: Color | None
    deadline: BeijingTime
    suspended: bool
    completed_at: BeijingTime | None
    outcome: str | None


class GreenChannelRead(BaseModel):
    """跟踪督办: a green-channel project, the stage it is in, its parts and the worst colour."""

    project_id: str
    center: str
    name: str
    series: str
    series_name: str
    applicant_name: str
    agent: str
    green_factor: float | None
    green_reason: str | None
    green_since: BeijingTime | None
    status: str
    elapsed_days: int
    stage: StageRowRead | None
    parts: list[PartRead]
    stage_color: Color | None


class StageFiguresRead(BaseModel):
    """A stage of a series: started, completed, average working days, on-time rate."""

    stage: str
    name: str
    started: int
    completed: int
    average_elapsed_days: float | None
    on_time_rate: float | None


class DepartmentFiguresRead(BaseModel):
    """A department's joint parts in a series, and how many were on time."""

    department: str
    parts: int
    on_time: int
    on_time_rate: float | None


class SeriesStatsRead(BaseModel):
    """`GET /v1/projects/stats`: one project series."""

    series: str
    series_name: str
    projects: int
    running: int
    approved: int
    denied: int
    green_channel: int
    average_elapsed_days: float | None
    stages: list[StageFiguresRead]
    departments: list[DepartmentFiguresRead]

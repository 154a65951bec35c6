"""Apply project events to supervision's project and stage rows (跟踪督办 and statistics)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import projects as p
from services.supervision.adapters.project_tables import project_stages, projects


async def track_project_event(conn: AsyncConnection, event: p.ProjectEvent) -> None:
    """Update the project's row, or one of its stages' rows, from one event."""
    if isinstance(event, p.ProjectCreated):
        await _created(conn, event)
        return
    if isinstance(event, p.ProjectStageStarted | p.ProjectStageCompleted | p.ProjectStageWithdrawn):
        await _stage(conn, event, **_stage_changes(event))
    if changes := _project_changes(event):
        await _project(conn, event, **changes)


def _stage_changes(
    event: p.ProjectStageStarted | p.ProjectStageCompleted | p.ProjectStageWithdrawn,
) -> dict[str, Any]:
    """The columns of the stage's row an event sets."""
    match event:
        case p.ProjectStageStarted():
            return {
                "case_id": event.case_id,
                "started_at": event.started_at,
                "deadline": event.deadline,
            }
        case p.ProjectStageCompleted():
            return {
                "completed_at": event.completed_at,
                "outcome": event.outcome,
                "elapsed_days": event.elapsed_days,
                "on_time": event.on_time,
            }
    return {"case_id": None, "started_at": None, "deadline": None, "completed_at": None}


def _project_changes(event: p.ProjectEvent) -> dict[str, Any]:
    """The columns of the project's row an event sets (none for most stage events)."""
    match event:
        case p.ProjectAgentAppointed():
            return {"agent": event.agent}
        case p.ProjectGreenChannelMarked():
            return {
                "green": True,
                "green_factor": event.factor,
                "green_reason": event.reason,
                "green_since": event.at,
            }
        case p.ProjectStageCompleted():
            return {"elapsed_days": _Sum(event.elapsed_days)}
        case p.ProjectCompleted():
            return {
                "status": event.outcome,
                "completed_at": event.completed_at,
                "elapsed_days": event.elapsed_days,
            }
    return {}


class _Sum:
    """Add to the stored value instead of replacing it."""

    def __init__(self, amount: int) -> None:
        self.amount = amount


async def _created(conn: AsyncConnection, event: p.ProjectCreated) -> None:
    await conn.execute(
        insert(projects).values(
            project_id=event.project_id,
            center=event.center,
            name=event.name,
            series=event.series,
            series_name=event.series_name,
            applicant_name=event.applicant_name,
            agent="",
            green=False,
            status="running",
            elapsed_days=0,
            stage_count=len(event.stages),
            created_at=event.created_at,
        )
    )
    rows = [
        {"project_id": event.project_id, "stage": s.code, "position": i, "name": s.name}
        for i, s in enumerate(event.stages, start=1)
    ]
    await conn.execute(insert(project_stages), rows)


async def _project(conn: AsyncConnection, event: p.ProjectEvent, **values: Any) -> None:
    t = projects
    changes = {k: (t.c[k] + v.amount if isinstance(v, _Sum) else v) for k, v in values.items()}
    await conn.execute(update(t).where(t.c.project_id == event.project_id).values(**changes))


async def _stage(
    conn: AsyncConnection,
    event: p.ProjectStageStarted | p.ProjectStageCompleted | p.ProjectStageWithdrawn,
    **values: Any,
) -> None:
    t = project_stages
    where = (t.c.project_id == event.project_id) & (t.c.stage == event.stage)
    await conn.execute(update(t).where(where).values(**values))

"""A joint case that is a project's stage: the project follows its start and its completion."""

from __future__ import annotations

from collections.abc import Sequence

from libs.events.contract import CaseWithdrawn, JointCompleted, JointStarted, WorkClosed
from libs.events.registry import Event
from services.approval.application.ports import ApprovalTx
from services.approval.domain import project_rules
from services.approval.domain.case import ApprovalCase
from services.approval.domain.projects import Project, project_stream


async def follow_stage(tx: ApprovalTx, case: ApprovalCase, events: Sequence[Event]) -> None:
    """In the case's transaction: the project records its stage's start and completion."""
    if case.joint is None or not case.joint.project_id:
        return
    project = await tx.events.load(Project, project_stream(case.joint.project_id))
    if project.created is None:
        return
    new: list[Event] = []
    for event in events:
        if isinstance(event, JointStarted):
            limit = case.facts.limit_days
            new += project_rules.stage_started(project, event, deadline_limit=limit)
        elif isinstance(event, WorkClosed) and event.cause == "withdrawn":
            new += project_rules.stage_withdrawn(
                project, case_id=case.stream_id, at=event.closed_at
            )
        elif isinstance(event, JointCompleted):
            calendar = await tx.calendar()
            deadline = case.current_deadline.at
            new += project_rules.stage_completed(
                project, event, deadline=deadline, calendar=calendar
            )
    if new:
        await tx.events.save(project, new)


async def when_stage_case_withdrawn(tx: ApprovalTx, event: CaseWithdrawn) -> None:
    """A stage's case withdrawn before the lead accepted it: the stage may be filed again."""
    case = await tx.events.load(ApprovalCase, event.case_id)
    if case.opened is not None or case.bound is None:
        return  # an accepted case closes through its work (`follow_stage`)
    project = await tx.events.load(Project, project_stream(case.bound.project_id))
    if project.created is None:
        return
    events = project_rules.stage_withdrawn(project, case_id=event.case_id, at=event.withdrawn_at)
    if events:
        await tx.events.save(project, events)

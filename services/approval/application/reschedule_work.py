"""A deadline intake recomputed under a newly loaded calendar year: the work item follows it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.registry import Event
from libs.events.schemas import CaseDeadlineChanged, WorkRescheduled
from services.approval.application.context import Context
from services.approval.application.unit import commit, load_case


async def when_calendar_moved_deadline_reschedule_work(
    conn: AsyncConnection, ctx: Context, event: CaseDeadlineChanged
) -> None:
    """Intake counts pauses and the extension too, so its new deadline is the work's deadline."""
    case = await load_case(conn, ctx, event.case_id)
    if case.opened is None or case.decision is not None or case.status == "closed":
        return
    if case.current_deadline.due_day == event.due_day and not case.current_deadline.provisional:
        return
    moved: list[Event] = [
        WorkRescheduled(
            **case.base(),
            deadline=event.deadline,
            due_day=event.due_day,
            provisional=event.provisional,
        )
    ]
    await commit(conn, ctx, case, moved)

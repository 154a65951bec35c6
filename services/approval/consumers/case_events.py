"""Case events from intake and linkage (and calendar loads), turned into approval commands."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import (
    CalendarYearLoaded,
    CaseAccepted,
    CaseEscalated,
    CaseEscalationReturned,
    CaseSubmitted,
    CaseSupplemented,
    CaseWithdrawalRequested,
    CaseWithdrawn,
    ItemPublished,
)
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.approval.application.close_work import (
    when_case_withdrawn_close_work,
    when_escalation_returned_close_work,
    when_withdrawal_requested_answer,
)
from services.approval.application.context import Context
from services.approval.application.follow_calendar import when_calendar_year_loaded_rederive_work
from services.approval.application.joint.opening import (
    when_joint_case_submitted_remember,
    when_joint_item_published_remember,
)
from services.approval.application.joint.stages import when_stage_case_withdrawn
from services.approval.application.open_work import (
    when_case_accepted_open_work,
    when_case_escalated_open_work,
)
from services.approval.application.remember import (
    when_case_submitted_remember_applicant,
    when_case_supplemented_remember_materials,
    when_item_published_remember_item,
)


async def when_case_event(conn: AsyncConnection, ctx: Context, _: Envelope, event: Event) -> None:
    """Dispatch one event of the `cases` subscription; other types on the topic are ignored."""
    match event:
        case CaseSubmitted():
            await when_case_submitted_remember_applicant(
                conn, event, id_key=ctx.settings.id_search_key
            )
            await when_joint_case_submitted_remember(conn, event)
        case CaseSupplemented():
            await when_case_supplemented_remember_materials(conn, event)
        case ItemPublished():
            await when_item_published_remember_item(conn, event)
            await when_joint_item_published_remember(conn, event)
        case CaseAccepted():
            await when_case_accepted_open_work(conn, ctx, event)
        case CaseEscalated():
            await when_case_escalated_open_work(conn, ctx, event)
        case CaseWithdrawalRequested():
            await when_withdrawal_requested_answer(conn, ctx, event)
        case CaseWithdrawn():
            await when_case_withdrawn_close_work(conn, ctx, event)
            await when_stage_case_withdrawn(conn, ctx, event)
        case CaseEscalationReturned():
            await when_escalation_returned_close_work(conn, ctx, event)
        case CalendarYearLoaded():
            await when_calendar_year_loaded_rederive_work(conn, ctx, event)

"""Case events from intake and linkage (and calendar loads), turned into approval commands."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.clock import Clock
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
from services.approval.application.ports import ApprovalTx
from services.approval.application.remember import (
    when_case_submitted_remember_applicant,
    when_case_supplemented_remember_materials,
    when_item_published_remember_item,
)
from services.approval.config import Settings


@dataclass(frozen=True)
class CaseEvents:
    """The `cases` subscription: each event applied in the consumer's transaction."""

    settings: Settings
    clock: Clock

    async def __call__(self, tx: ApprovalTx, _: Envelope, event: Event) -> None:
        """Dispatch one event; other types on the topic are ignored."""
        settings, clock = self.settings, self.clock
        match event:
            case CaseSubmitted():
                await when_case_submitted_remember_applicant(
                    tx, event, id_key=settings.id_search_key
                )
                await when_joint_case_submitted_remember(tx, event)
            case CaseSupplemented():
                await when_case_supplemented_remember_materials(tx, event)
            case ItemPublished():
                await when_item_published_remember_item(tx, event)
                await when_joint_item_published_remember(tx, event)
            case CaseAccepted():
                await when_case_accepted_open_work(tx, event, settings=settings, clock=clock)
            case CaseEscalated():
                await when_case_escalated_open_work(tx, event, settings=settings, clock=clock)
            case CaseWithdrawalRequested():
                await when_withdrawal_requested_answer(tx, event, settings=settings, clock=clock)
            case CaseWithdrawn():
                await when_case_withdrawn_close_work(tx, event, settings=settings)
                await when_stage_case_withdrawn(tx, event)
            case CaseEscalationReturned():
                await when_escalation_returned_close_work(tx, event, settings=settings)
            case CalendarYearLoaded():
                await when_calendar_year_loaded_rederive_work(tx, event)

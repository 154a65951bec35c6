"""Work that ends without a decision here: withdrawn, or decided above and returned."""

from __future__ import annotations

import base64

from libs.events.clock import Clock
from libs.events.contract import (
    CaseEscalationReturned,
    CaseWithdrawalRefused,
    CaseWithdrawalRequested,
    CaseWithdrawn,
    WorkClosed,
)
from libs.events.registry import Event
from services.approval.application.notices import tell_applicant
from services.approval.application.ports import ApprovalTx, SealedDocument
from services.approval.application.unit import commit, load_case
from services.approval.config import Settings
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import OUTCOME_WORDS, withdrawal_text


async def when_case_withdrawn_close_work(
    tx: ApprovalTx, event: CaseWithdrawn, *, settings: Settings
) -> None:
    """撤回 before the decision closes the work item; after it, nothing changes."""
    case = await load_case(tx, event.case_id)
    if case.opened is None or case.decision is not None or case.status == "closed":
        return
    closed: list[Event] = [
        WorkClosed(**case.base(), cause="withdrawn", closed_at=event.withdrawn_at)
    ]
    await commit(tx, case, closed, channel=settings.notify_channel)


async def when_withdrawal_requested_answer(
    tx: ApprovalTx, event: CaseWithdrawalRequested, *, settings: Settings, clock: Clock
) -> None:
    """Approval settles the race with a decision: withdrawn if undecided, else refused.

    Both answers are appended to the case's stream at the loaded version, so a decision
    committed meanwhile makes this a ConcurrencyError, retried: one outcome, everywhere.
    """
    case = await load_case(tx, event.case_id)
    if case.opened is None or case.status == "closed":
        return  # no work here, or withdrawn already
    await commit(tx, case, _answer(case, event, clock), channel=settings.notify_channel)
    if not case.facts.escalated_from:
        await tell_applicant(tx, case, withdrawal_text, channel=settings.notify_channel)


def _answer(case: ApprovalCase, event: CaseWithdrawalRequested, clock: Clock) -> list[Event]:
    now = clock.now()
    if case.decision is not None:
        outcome = case.decision.outcome
        return [
            CaseWithdrawalRefused(
                **case.base(),
                reason=f"已作出决定（{OUTCOME_WORDS[outcome]}），不能撤回 (already decided)",
                decision=outcome,
                refused_at=now,
            )
        ]
    return [
        WorkClosed(**case.base(), cause="withdrawn", closed_at=now),
        CaseWithdrawn(
            **case.base(), reason=event.reason, withdrawn_at=now, withdrawn_by=event.requested_by
        ),
    ]


async def when_escalation_returned_close_work(
    tx: ApprovalTx, event: CaseEscalationReturned, *, settings: Settings
) -> None:
    """The deciding center's result came back: close the work here and tell the applicant."""
    case = await load_case(tx, event.case_id)
    if not _waiting_for(case, event.from_center):
        return
    returned: list[Event] = [
        WorkClosed(
            **case.base(),
            cause="escalation_returned",
            closed_at=event.returned_at,
            decision=event.decision,
            reasons=event.reasons,
            from_center=event.from_center,
        )
    ]
    await commit(tx, case, returned, channel=settings.notify_channel)
    if event.document and event.seal:  # the deciding center's sealed document, verifiable here
        pdf = base64.b64decode(event.pdf)
        sealed = SealedDocument(case.stream_id, event.document, pdf, event.seal, event.returned_at)
        await tx.views.save_document_once(sealed)


def _waiting_for(case: ApprovalCase, center: str) -> bool:
    return case.opened is not None and case.status == "escalated" and case.escalated_to == center

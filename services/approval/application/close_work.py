"""Work that ends without a decision here: withdrawn, or decided above and returned."""

from __future__ import annotations

import base64

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import (
    CaseEscalationReturned,
    CaseWithdrawalRefused,
    CaseWithdrawalRequested,
    CaseWithdrawn,
    WorkClosed,
)
from libs.events.registry import Event
from services.approval.adapters import documents
from services.approval.application.context import Context
from services.approval.application.sealing import tell_applicant
from services.approval.application.unit import commit, load_case
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import OUTCOME_WORDS, withdrawal_text


async def when_case_withdrawn_close_work(
    conn: AsyncConnection, ctx: Context, event: CaseWithdrawn
) -> None:
    """撤回 before the decision closes the work item; after it, nothing changes."""
    case = await load_case(conn, ctx, event.case_id)
    if case.opened is None or case.decision is not None or case.status == "closed":
        return
    closed: list[Event] = [
        WorkClosed(**case.base(), cause="withdrawn", closed_at=event.withdrawn_at)
    ]
    await commit(conn, ctx, case, closed)


async def when_withdrawal_requested_answer(
    conn: AsyncConnection, ctx: Context, event: CaseWithdrawalRequested
) -> None:
    """Approval settles the race with a decision: withdrawn if undecided, else refused.

    Both answers are appended to the case's stream at the loaded version, so a decision
    committed meanwhile makes this a ConcurrencyError, retried: one outcome, everywhere.
    """
    case = await load_case(conn, ctx, event.case_id)
    if case.opened is None or case.status == "closed":
        return  # no work here, or withdrawn already
    now = ctx.now()
    answer: list[Event]
    if case.decision is not None:
        outcome = case.decision.outcome
        answer = [
            CaseWithdrawalRefused(
                **case.base(),
                reason=f"已作出决定（{OUTCOME_WORDS[outcome]}），不能撤回 (already decided)",
                decision=outcome,
                refused_at=now,
            )
        ]
    else:
        answer = [
            WorkClosed(**case.base(), cause="withdrawn", closed_at=now),
            CaseWithdrawn(
                **case.base(),
                reason=event.reason,
                withdrawn_at=now,
                withdrawn_by=event.requested_by,
            ),
        ]
    await commit(conn, ctx, case, answer)
    if not case.facts.escalated_from:
        await tell_applicant(conn, ctx, case, withdrawal_text)


async def when_escalation_returned_close_work(
    conn: AsyncConnection, ctx: Context, event: CaseEscalationReturned
) -> None:
    """The deciding center's result came back: close the work here and tell the applicant."""
    case = await load_case(conn, ctx, event.case_id)
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
    await commit(conn, ctx, case, returned)
    if event.document and event.seal:  # the deciding center's sealed document, verifiable here
        pdf = base64.b64decode(event.pdf)
        sealed = documents.SealedDocument(
            case.stream_id, event.document, pdf, event.seal, event.returned_at
        )
        await documents.save_once(conn, sealed)


def _waiting_for(case: ApprovalCase, center: str) -> bool:
    return case.opened is not None and case.status == "escalated" and case.escalated_to == center

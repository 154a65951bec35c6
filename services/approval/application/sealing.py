"""After a decision: the sealed decision document, and the notice queued for the applicant."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection

from services.approval.adapters import deliveries, documents
from services.approval.adapters.pdf import render_decision
from services.approval.adapters.references import contact_of
from services.approval.application.context import Context
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import decision_document, notice_text

log = logging.getLogger(__name__)


async def issue_document(conn: AsyncConnection, ctx: Context, case: ApprovalCase) -> None:
    """Render, seal with the department's key and keep the decision document."""
    contact = await contact_of(conn, case.stream_id)
    document = decision_document(
        case, applicant=contact.name if contact else "", issuing_center=ctx.center
    )
    pdf = render_decision(document)
    seal = ctx.seals.sign(case.facts.department, document, pdf)
    assert case.decision is not None
    await documents.save(
        conn,
        documents.SealedDocument(case.stream_id, document, pdf, seal, case.decision.at),
    )


async def notify_applicant(conn: AsyncConnection, ctx: Context, case: ApprovalCase) -> None:
    """Queue the SMS or voice notice in the decision's transaction, so it cannot be lost."""
    contact = await contact_of(conn, case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; nothing to send", case.facts.case_no)
        return
    await deliveries.enqueue(
        conn,
        case_id=case.stream_id,
        channel=ctx.settings.notify_channel,
        phone=contact.phone,
        text=notice_text(case, applicant=contact.name),
    )

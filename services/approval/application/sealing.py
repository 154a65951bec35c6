"""After a decision: the sealed decision document, and the notice queued for the applicant."""

from __future__ import annotations

import base64
import logging
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import org
from libs.events.schemas import CaseDecisionIssued, CaseEscalationReturned
from services.approval.adapters import deliveries, documents
from services.approval.adapters.pdf import render_decision
from services.approval.adapters.references import contact_of
from services.approval.application.context import Context
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import decision_document, notice_text, suspension_text

log = logging.getLogger(__name__)


async def issue_document(
    conn: AsyncConnection, ctx: Context, case: ApprovalCase
) -> documents.SealedDocument:
    """Render, seal with the department's key and keep the decision document."""
    contact = await contact_of(conn, case.stream_id)
    document = decision_document(
        case,
        applicant=contact.name if contact else "",
        issuing_center=ctx.center,
        names=await org.names(conn),
        verify_base=ctx.settings.verify_base_url,
    )
    pdf = render_decision(document)
    seal = ctx.seals.sign(case.facts.department, document, pdf)
    assert case.decision is not None
    sealed = documents.SealedDocument(case.stream_id, document, pdf, seal, case.decision.at)
    await documents.save(conn, sealed)
    return sealed


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


def returned_result(
    case: ApprovalCase, sealed: documents.SealedDocument, *, now: datetime
) -> CaseEscalationReturned:
    """The result of an escalated case for its accepting center, with the sealed document."""
    assert case.decision is not None
    decision: Literal["approved", "denied"] = (
        "denied" if case.decision.outcome == "denied" else "approved"
    )
    return CaseEscalationReturned(
        **case.base(),
        from_center=str(sealed.document["issued_by_center"]),
        decision=decision,
        reasons=case.decision.reasons or ("超时默许" if case.decision.outcome != decision else ""),
        returned_at=now,
        case_no=case.facts.case_no,
        document=sealed.document,
        pdf=base64.b64encode(sealed.pdf).decode(),
        seal=sealed.seal,
    )


async def notify_suspension(conn: AsyncConnection, ctx: Context, case: ApprovalCase) -> None:
    """Art. 45: tell the applicant in writing what the pause is for and how long it will take."""
    contact = await contact_of(conn, case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; no pause notice sent", case.facts.case_no)
        return
    await deliveries.enqueue(
        conn,
        case_id=case.stream_id,
        channel=ctx.settings.notify_channel,
        phone=contact.phone,
        text=suspension_text(case, applicant=contact.name),
        kind="suspension",
    )


def decision_issued(
    case: ApprovalCase, sealed: documents.SealedDocument, *, public_key_pem: str
) -> CaseDecisionIssued:
    """The sealed document published whole, for the applicant's download at intake."""
    return CaseDecisionIssued(
        **case.base(),
        document_id=str(sealed.document["document_id"]),
        document=sealed.document,
        pdf=base64.b64encode(sealed.pdf).decode(),
        seal=sealed.seal,
        public_key_pem=public_key_pem,
        issued_at=sealed.issued_at,
    )

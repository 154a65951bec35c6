"""After a decision: the sealed decision document (rendered outside any transaction) and the
notice queued for the applicant."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import org
from libs.events.contract import CaseDecisionIssued, CaseEscalationReturned
from libs.events.registry import Event
from libs.events.store import ConcurrencyError, load, save
from services.approval.adapters import deliveries, documents, projection
from services.approval.adapters.pdf import render_decision
from services.approval.adapters.references import contact_of
from services.approval.application.context import Context
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import decision_document, notice_text, suspension_text

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5


def needs_document(case: ApprovalCase) -> bool:
    """Decided here (not only pre-reviewed below and returned): a sealed document is due."""
    return case.decision is not None and case.decided_here and not case.decision.returned_from


async def issue_document(ctx: Context, case_id: str) -> bool:
    """Render and seal the decision document with no transaction open, then record it.

    Called after the decision's transaction committed (and by `issue_missing_documents` after
    a crash in between); rendering and signing run in a worker thread. The document is kept,
    and `case.decision_issued` (with the escalated case's result) appended, in one short
    transaction of its own. False if none was due or another process issued it first.
    """
    async with ctx.runtime.engine.connect() as conn:
        case = await load(ctx.store, conn, ApprovalCase, case_id)
        case.calendar = await ctx.runtime.calendar(conn)
        if not needs_document(case) or await documents.load(conn, case_id) is not None:
            return False
        contact = await contact_of(conn, case_id)
        names = await org.names(conn)
    assert case.decision is not None
    document = decision_document(
        case,
        applicant=contact.name if contact else "",
        issuing_center=ctx.center,
        names=names,
        verify_base=ctx.settings.verify_base_url,
    )
    pdf = await asyncio.to_thread(render_decision, document)
    seal = await asyncio.to_thread(ctx.seals.sign, case.facts.department, document, pdf)
    sealed = documents.SealedDocument(case_id, document, pdf, seal, case.decision.at)
    for _ in range(RECORD_ATTEMPTS):  # the case's stream may move meanwhile (case.delivered)
        try:
            async with ctx.runtime.transaction() as conn:
                return await _record(conn, ctx, sealed)
        except IntegrityError:
            return False  # another process kept it first
        except ConcurrencyError:
            continue
    return False  # the sweep (issue_missing_documents) tries again


async def _record(conn: AsyncConnection, ctx: Context, sealed: documents.SealedDocument) -> bool:
    if not await documents.save_once(conn, sealed):
        return False
    case = await load(ctx.store, conn, ApprovalCase, sealed.case_id)
    case.calendar = await ctx.runtime.calendar(conn)
    if case.joint is not None:
        return True  # a joint case's document is sealed by the lead department, kept here
    key = ctx.seals.key_for(str(sealed.seal["department"]))
    follow: list[Event] = [decision_issued(case, sealed, public_key_pem=key.public_pem)]
    if case.facts.escalated_from:  # decided here for the center that accepted it
        follow.append(returned_result(case, sealed, now=ctx.now()))
    await save(ctx.store, conn, case, follow)
    await projection.refresh(conn, case)
    if not case.facts.escalated_from:
        await notify_applicant(conn, ctx, case)
    return True


async def issue_missing_documents(ctx: Context, *, grace: float = 60.0) -> int:
    """Issue every document a decision committed without (the process stopped in between).

    Work decided within the last `grace` seconds is left to the command that decided it.
    """
    before = datetime.now(UTC) - timedelta(seconds=grace)  # updated_at is wall-clock time
    async with ctx.runtime.engine.connect() as conn:
        missing = await projection.decided_without_document(conn, before=before)
    issued = 0
    for case_id in missing:
        issued += await issue_document(ctx, case_id)
    return issued


async def notify_applicant(conn: AsyncConnection, ctx: Context, case: ApprovalCase) -> None:
    """Queue the SMS or voice notice in the decision's transaction, so it cannot be lost."""
    await tell_applicant(conn, ctx, case, notice_text)


async def tell_applicant(
    conn: AsyncConnection, ctx: Context, case: ApprovalCase, text: Callable[..., str]
) -> None:
    """Queue `text(case, applicant=name)` for the applicant's phone, in the caller's transaction."""
    contact = await contact_of(conn, case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; nothing to send", case.facts.case_no)
        return
    await deliveries.enqueue(
        conn,
        case_id=case.stream_id,
        channel=ctx.settings.notify_channel,
        phone=contact.phone,
        text=text(case, applicant=contact.name),
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


async def notify_suspension(
    conn: AsyncConnection, ctx: Context, case: ApprovalCase, *, part: str = ""
) -> None:
    """Art. 45: tell the applicant in writing what the pause is for and how long it will take;
    `part` names the department of a joint case whose part alone paused."""
    contact = await contact_of(conn, case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; no pause notice sent", case.facts.case_no)
        return
    if part and case.joint is not None:
        pause = case.joint.parts[part].pause
        department = (await org.names(conn)).department(case.facts.center, part)
        text = suspension_text(case, applicant=contact.name, pause=pause, department=department)
    else:
        text = suspension_text(case, applicant=contact.name)
    await deliveries.enqueue(
        conn,
        case_id=case.stream_id,
        channel=ctx.settings.notify_channel,
        phone=contact.phone,
        text=text,
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

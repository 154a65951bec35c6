"""After a decision: the sealed decision document, rendered outside any transaction, then
recorded with `case.decision_issued` and the notice queued for the applicant."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from typing import Literal

from libs.events.clock import Clock
from libs.events.contract import CaseDecisionIssued, CaseEscalationReturned
from libs.events.registry import Event
from libs.events.store import ConcurrencyError
from services.approval.application.notices import notify_applicant
from services.approval.application.ports import (
    ApprovalTx,
    ApprovalUnit,
    Contact,
    DuplicateDocument,
    SealedDocument,
    Seals,
)
from services.approval.application.unit import load_case
from services.approval.config import Settings
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import NameBook, decision_document

RECORD_ATTEMPTS = 5


def needs_document(case: ApprovalCase) -> bool:
    """Decided here (not only pre-reviewed below and returned): a sealed document is due."""
    return case.decision is not None and case.decided_here and not case.decision.returned_from


async def issue_document(
    case_id: str, *, uow: ApprovalUnit, clock: Clock, settings: Settings, seals: Seals
) -> bool:
    """Render and seal the decision document with no transaction open, then record it.

    Called after the decision's transaction committed (and by `issue_missing_documents` after
    a crash in between); rendering and signing run in a worker thread. The document is kept,
    and `case.decision_issued` (with the escalated case's result) appended, in one short
    transaction of its own. False if none was due or another process issued it first.
    """
    async with uow.begin() as tx:
        case = await load_case(tx, case_id)
        if not needs_document(case) or await tx.views.document_of(case_id) is not None:
            return False
        contact = await tx.views.contact_of(case_id)
        names = await tx.views.names()
    sealed = await _sealed(case, contact, names, settings=settings, seals=seals)
    for _ in range(RECORD_ATTEMPTS):  # the case's stream may move meanwhile (case.delivered)
        try:
            async with uow.begin() as tx:
                return await _record(tx, sealed, clock=clock, settings=settings, seals=seals)
        except DuplicateDocument:
            return False  # another process kept it first
        except ConcurrencyError:
            continue
    return False  # the sweep (issue_missing_documents) tries again


async def _sealed(
    case: ApprovalCase,
    contact: Contact | None,
    names: NameBook,
    *,
    settings: Settings,
    seals: Seals,
) -> SealedDocument:
    """The document rendered and signed in worker threads (no transaction is open)."""
    assert case.decision is not None
    document = decision_document(
        case,
        applicant=contact.name if contact else "",
        issuing_center=settings.center_code,
        names=names,
        verify_base=settings.verify_base_url,
    )
    pdf = await asyncio.to_thread(seals.render, document)
    seal = await asyncio.to_thread(seals.sign, case.facts.department, document, pdf)
    return SealedDocument(case.stream_id, document, pdf, seal, case.decision.at)


async def _record(
    tx: ApprovalTx, sealed: SealedDocument, *, clock: Clock, settings: Settings, seals: Seals
) -> bool:
    if not await tx.views.save_document_once(sealed):
        return False
    case = await load_case(tx, sealed.case_id)
    if case.joint is not None:
        return True  # a joint case's document is sealed by the lead department, kept here
    key_pem = seals.public_pem(str(sealed.seal["key_id"]))
    follow: list[Event] = [decision_issued(case, sealed, public_key_pem=key_pem)]
    if case.facts.escalated_from:  # decided here for the center that accepted it
        follow.append(returned_result(case, sealed, now=clock.now()))
    await tx.events.save(case, follow)
    await tx.views.refresh(case)
    if not case.facts.escalated_from:
        await notify_applicant(tx, case, channel=settings.notify_channel)
    return True


async def issue_missing_documents(
    *, uow: ApprovalUnit, clock: Clock, settings: Settings, seals: Seals, grace: float = 60.0
) -> int:
    """Issue every document a decision committed without (the process stopped in between).

    Work decided within the last `grace` seconds is left to the command that decided it.
    """
    before = datetime.now(UTC) - timedelta(seconds=grace)  # updated_at is wall-clock time
    async with uow.begin() as tx:
        missing = await tx.views.decided_without_document(before)
    issued = 0
    for case_id in missing:
        issued += await issue_document(
            case_id, uow=uow, clock=clock, settings=settings, seals=seals
        )
    return issued


def returned_result(
    case: ApprovalCase, sealed: SealedDocument, *, now: datetime
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


def decision_issued(
    case: ApprovalCase, sealed: SealedDocument, *, public_key_pem: str
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

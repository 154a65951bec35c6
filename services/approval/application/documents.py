"""Reading decision documents: the case's sealed document, and what a number was issued as."""

from __future__ import annotations

from libs.events.auth import Principal, Role
from libs.events.clock import Clock
from services.approval.application.ports import ApprovalTx, ApprovalUnit, SealedDocument, Seals
from services.approval.application.sealing import issue_document
from services.approval.application.unit import case_for
from services.approval.config import Settings
from services.approval.domain.access import NoDecisionDocument, NotYourCase, UnknownDocument


async def sealed_document(
    case_id: str,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
    seals: Seals,
) -> SealedDocument:
    """The case's sealed decision document, for who may read it (the applicant: their own)."""
    async with uow.begin() as tx:
        await _may_read(tx, case_id, principal)
        sealed = await tx.views.document_of(case_id)
    if sealed is None:
        # Decided a moment ago (deemed by the scan, say): sealed now, outside any transaction,
        # here or by whoever got there first.
        await issue_document(case_id, uow=uow, clock=clock, settings=settings, seals=seals)
        async with uow.begin() as tx:
            sealed = await tx.views.document_of(case_id)
    if sealed is None:
        raise NoDecisionDocument(
            f"case {case_id} has no decision document at this center",
            detail_zh=f"案件 {case_id} 在本中心尚无决定书",
        )
    return sealed


async def _may_read(tx: ApprovalTx, case_id: str, principal: Principal) -> None:
    """The applicant reads their own case's document; staff the cases they may see."""
    if principal.role != Role.applicant:
        await case_for(tx, case_id, principal, acting=False)
        return
    contact = await tx.views.contact_of(case_id)
    if contact is None or not contact.submitted_by or contact.submitted_by != principal.sub:
        raise NotYourCase(
            f"case {case_id} is not a case {principal.sub} submitted",
            detail_zh=f"案件 {case_id} 不是您提交的案件",
        )


async def document_numbered(document_id: str, *, uow: ApprovalUnit) -> SealedDocument:
    """The sealed document issued here under this number (扫码核验)."""
    async with uow.begin() as tx:
        sealed = await tx.views.document_by_number(document_id)
    if sealed is None:
        raise UnknownDocument(
            f"no decision document {document_id} was issued here",
            detail_zh=f"本中心未出具编号为 {document_id} 的决定书",
        )
    return sealed

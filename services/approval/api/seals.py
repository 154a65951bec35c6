"""Decision documents, their electronic seals, and the published keys to check them."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from libs.events.auth import Principal
from libs.events.instants import BeijingRoute
from services.approval.api.deps import AppDep, DocumentReader
from services.approval.api.seal_schemas import (
    DecisionRead,
    DocumentCheckRead,
    SealKeyRead,
    VerifyCreate,
    VerifyRead,
)
from services.approval.api.verify_page import check_page, mask_name
from services.approval.application.documents import document_numbered, sealed_document
from services.approval.application.ports import SealedDocument
from services.approval.bootstrap import App
from services.approval.domain.document import SEAL_ALGORITHM

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["seals"])


async def _sealed(approval: App, principal: Principal, case_id: str) -> SealedDocument:
    return await sealed_document(
        case_id,
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
        seals=approval.seals,
    )


@router.get("/cases/{case_id}/decision")
async def get_decision(case_id: str, approval: AppDep, principal: DocumentReader) -> DecisionRead:
    """The decision document: canonical JSON, PDF (base64) and the seal signing both; for the
    department, supervisors, and the applicant of their own case."""
    sealed = await _sealed(approval, principal, case_id)
    return DecisionRead(
        case_id=case_id,
        document=sealed.document,
        pdf=base64.b64encode(sealed.pdf).decode(),
        seal=sealed.seal,
        public_key_pem=approval.seals.public_pem(sealed.seal.get("key_id", "")),
    )


@router.get("/cases/{case_id}/decision.pdf", response_class=Response)
async def get_decision_pdf(case_id: str, approval: AppDep, principal: DocumentReader) -> Response:
    """The decision document's PDF, as sealed."""
    sealed = await _sealed(approval, principal, case_id)
    name = f"{sealed.document['document_id']}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(sealed.pdf, media_type="application/pdf", headers=headers)


@router.post("/seals/verify")
async def verify(body: VerifyCreate, approval: AppDep) -> VerifyRead:
    """Is this document genuine and unaltered? Any changed byte of JSON, PDF or seal says no."""
    try:
        pdf = base64.b64decode(body.pdf, validate=True)
    except (binascii.Error, ValueError):
        return VerifyRead(genuine=False, detail="the PDF is not valid base64")
    verdict = approval.seals.verify(body.document, pdf, body.seal)
    return VerifyRead(genuine=verdict.genuine, detail=verdict.detail, department=verdict.department)


@router.get(
    "/seals/documents/{document_id}",
    response_model=DocumentCheckRead,
    responses={200: {"content": {"text/html": {}}}},
)
async def check_document(
    document_id: str, request: Request, approval: AppDep
) -> DocumentCheckRead | HTMLResponse:
    """扫码核验: the record of a document number, for comparing with the paper (no token; the
    applicant's name is masked). A browser gets a page, other clients JSON."""
    sealed = await document_numbered(document_id, uow=approval.uow)
    verdict = approval.seals.verify(sealed.document, sealed.pdf, sealed.seal)
    d = sealed.document
    found = DocumentCheckRead(
        document_id=document_id,
        genuine=verdict.genuine,
        title=d["title"],
        case_no=d["case_no"],
        item_name=d.get("item_name", ""),
        applicant=mask_name(d.get("applicant", "")),
        department_name=d.get("department_name") or d["department"],
        issued_by_center_name=d.get("issued_by_center_name") or d["issued_by_center"],
        decision=d["decision"],
        decided_on=d.get("decided_on", ""),
        pdf_sha256=sealed.seal.get("pdf_sha256", ""),
    )
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(check_page(found.model_dump()))
    return found


@router.get("/seals/keys")
async def keys(approval: AppDep) -> list[SealKeyRead]:
    """Every department's public seal key at this center (no token needed)."""
    return [
        SealKeyRead(
            center=approval.settings.center_code,
            department=key.department,
            key_id=key.key_id,
            algorithm=SEAL_ALGORITHM,
            public_key_pem=key.public_pem,
        )
        for key in approval.seals.known()
    ]

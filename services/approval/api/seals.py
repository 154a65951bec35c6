"""Decision documents, their electronic seals, and the published keys to check them."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from libs.events.auth import Principal, Role
from libs.events.http import Problem
from libs.events.instants import BeijingRoute
from services.approval.adapters import documents
from services.approval.adapters.references import contact_of
from services.approval.adapters.seals import ALGORITHM
from services.approval.api.deps import Ctx, DocumentReader
from services.approval.api.schemas import (
    DecisionRead,
    DocumentCheckRead,
    SealKeyRead,
    VerifyCreate,
    VerifyRead,
)
from services.approval.api.verify_page import check_page, mask_name
from services.approval.application.sealing import issue_document
from services.approval.application.unit import case_for

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["seals"])


async def _sealed(ctx: Ctx, principal: Principal, case_id: str) -> documents.SealedDocument:
    async with ctx.runtime.engine.connect() as conn:
        if principal.role == Role.applicant:
            contact = await contact_of(conn, case_id)
            if contact is None or not contact.submitted_by or contact.submitted_by != principal.sub:
                raise Problem(
                    404,
                    f"case {case_id} is not a case {principal.sub} submitted",
                    detail_zh=f"案件 {case_id} 不是您提交的案件",
                )
        else:
            await case_for(conn, ctx, case_id, principal, acting=False)
        sealed = await documents.load(conn, case_id)
    if sealed is None:
        # Decided a moment ago (deemed by the scan, say): sealed now, outside any transaction,
        # here or by whoever got there first.
        await issue_document(ctx, case_id)
        async with ctx.runtime.engine.connect() as conn:
            sealed = await documents.load(conn, case_id)
    if sealed is None:
        raise Problem(
            404,
            f"case {case_id} has no decision document at this center",
            detail_zh=f"案件 {case_id} 在本中心尚无决定书",
        )
    return sealed


@router.get("/cases/{case_id}/decision")
async def get_decision(case_id: str, ctx: Ctx, principal: DocumentReader) -> DecisionRead:
    """The decision document: canonical JSON, PDF (base64) and the seal signing both; for the
    department, supervisors, and the applicant of their own case."""
    sealed = await _sealed(ctx, principal, case_id)
    return DecisionRead(
        case_id=case_id,
        document=sealed.document,
        pdf=base64.b64encode(sealed.pdf).decode(),
        seal=sealed.seal,
        public_key_pem=ctx.seals.public_pem(sealed.seal.get("key_id", "")),
    )


@router.get("/cases/{case_id}/decision.pdf", response_class=Response)
async def get_decision_pdf(case_id: str, ctx: Ctx, principal: DocumentReader) -> Response:
    """The decision document's PDF, as sealed."""
    sealed = await _sealed(ctx, principal, case_id)
    name = f"{sealed.document['document_id']}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(sealed.pdf, media_type="application/pdf", headers=headers)


@router.post("/seals/verify")
async def verify(body: VerifyCreate, ctx: Ctx) -> VerifyRead:
    """Is this document genuine and unaltered? Any changed byte of JSON, PDF or seal says no."""
    try:
        pdf = base64.b64decode(body.pdf, validate=True)
    except (binascii.Error, ValueError):
        return VerifyRead(genuine=False, detail="the PDF is not valid base64")
    verdict = ctx.seals.verify(body.document, pdf, body.seal)
    return VerifyRead(genuine=verdict.genuine, detail=verdict.detail, department=verdict.department)


@router.get(
    "/seals/documents/{document_id}",
    response_model=DocumentCheckRead,
    responses={200: {"content": {"text/html": {}}}},
)
async def check_document(document_id: str, request: Request, ctx: Ctx) -> object:
    """扫码核验: the record of a document number, for comparing with the paper (no token; the
    applicant's name is masked). A browser gets a page, other clients JSON."""
    async with ctx.runtime.engine.connect() as conn:
        sealed = await documents.load_by_number(conn, document_id)
    if sealed is None:
        raise Problem(
            404,
            f"no decision document {document_id} was issued here",
            rule="UnknownDocument",
            detail_zh=f"本中心未出具编号为 {document_id} 的决定书",
        )
    verdict = ctx.seals.verify(sealed.document, sealed.pdf, sealed.seal)
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
async def keys(ctx: Ctx) -> list[SealKeyRead]:
    """Every department's public seal key at this center (no token needed)."""
    return [
        SealKeyRead(
            center=ctx.center,
            department=key.department,
            key_id=key.key_id,
            algorithm=ALGORITHM,
            public_key_pem=key.public_pem,
        )
        for key in ctx.seals.known()
    ]

"""Decision documents, their electronic seals, and the published keys to check them."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Response

from libs.events.http import Problem
from services.approval.adapters import documents
from services.approval.adapters.seals import ALGORITHM
from services.approval.api.deps import Ctx, Viewer
from services.approval.api.schemas import DecisionRead, SealKeyRead, VerifyCreate, VerifyRead
from services.approval.application.unit import case_for

router = APIRouter(prefix="/v1", tags=["seals"])


async def _sealed(ctx: Ctx, principal: Viewer, case_id: str) -> documents.SealedDocument:
    async with ctx.runtime.engine.connect() as conn:
        await case_for(conn, ctx, case_id, principal, acting=False)
        sealed = await documents.load(conn, case_id)
    if sealed is None:
        raise Problem(404, f"case {case_id} has no decision document at this center")
    return sealed


@router.get("/cases/{case_id}/decision")
async def get_decision(case_id: str, ctx: Ctx, principal: Viewer) -> DecisionRead:
    """The decision document: canonical JSON, PDF (base64) and the seal signing both."""
    sealed = await _sealed(ctx, principal, case_id)
    return DecisionRead(
        case_id=case_id,
        document=sealed.document,
        pdf=base64.b64encode(sealed.pdf).decode(),
        seal=sealed.seal,
        public_key_pem=ctx.seals.public_pem(sealed.seal.get("key_id", "")),
    )


@router.get("/cases/{case_id}/decision.pdf", response_class=Response)
async def get_decision_pdf(case_id: str, ctx: Ctx, principal: Viewer) -> Response:
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

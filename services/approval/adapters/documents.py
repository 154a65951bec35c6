"""Stored decision documents: canonical JSON exactly as signed, the PDF bytes and the seal."""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.approval.adapters.tables import decision_documents as t
from services.approval.application.ports import SealedDocument
from services.approval.domain.document import canonical_json


async def save_once(conn: AsyncConnection, doc: SealedDocument) -> bool:
    """Keep the sealed document unless one is kept already (another process issued it)."""
    if (await conn.execute(select(t.c.case_id).where(t.c.case_id == doc.case_id))).first():
        return False
    await conn.execute(
        insert(t).values(
            case_id=doc.case_id,
            document_id=doc.document["document_id"],
            department=doc.document["department"],
            document=canonical_json(doc.document).decode(),
            pdf=doc.pdf,
            seal=doc.seal,
            issued_at=doc.issued_at,
        )
    )
    return True


async def load(conn: AsyncConnection, case_id: str) -> SealedDocument | None:
    """The case's sealed document, when it was decided here."""
    row = (await conn.execute(select(t).where(t.c.case_id == case_id))).first()
    if row is None:
        return None
    return SealedDocument(row.case_id, json.loads(row.document), row.pdf, row.seal, row.issued_at)


async def load_by_number(conn: AsyncConnection, document_id: str) -> SealedDocument | None:
    """The sealed document issued under this number."""
    row = (await conn.execute(select(t.c.case_id).where(t.c.document_id == document_id))).first()
    return None if row is None else await load(conn, row.case_id)

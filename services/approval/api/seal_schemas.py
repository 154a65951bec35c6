"""Request and response bodies of decision documents and their seals."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from libs.events.http import RequestBody


class DecisionRead(BaseModel):
    """The sealed decision document: its JSON, its PDF (base64) and the seal over both."""

    case_id: str
    document: dict[str, Any]
    pdf: str
    seal: dict[str, str]
    public_key_pem: str


class VerifyCreate(RequestBody):
    """A document to check: its JSON, its PDF (base64) and its seal, as handed out."""

    document: dict[str, Any]
    pdf: str
    seal: dict[str, str]


class VerifyRead(BaseModel):
    """Genuine and unaltered, or why not."""

    genuine: bool
    detail: str
    department: str | None = None


class DocumentCheckRead(BaseModel):
    """What the issuing center recorded under a document number (扫码核验)."""

    document_id: str
    genuine: bool = Field(description="the stored document still verifies against its seal")
    title: str
    case_no: str
    item_name: str
    applicant: str = Field(description="masked: 张*")
    department_name: str
    issued_by_center_name: str
    decision: str
    decided_on: str
    pdf_sha256: str


class SealKeyRead(BaseModel):
    """A department's published public key."""

    center: str
    department: str
    key_id: str
    algorithm: str
    public_key_pem: str

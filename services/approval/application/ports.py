"""The ports approval's handlers work through: the views of one transaction, the notifier,
the seals; the SQL adapters (adapters/views.py) and the test fakes both satisfy them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from libs.events.calendar import YearSchedule
from libs.events.uow import Transaction, UnitOfWork
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import NameBook
from services.approval.domain.joint import JointItem


@dataclass(frozen=True)
class Contact:
    """How to reach an applicant."""

    name: str
    phone: str
    submitted_by: str = ""  # who submitted the case (an applicant's `sub`), when online
    id_hash: str = ""  # the identity number's keyed hash (id_digest), to search by


@dataclass(frozen=True)
class CatalogItem:
    """The part of a catalogue item that approval needs."""

    code: str
    version: int
    name: str
    decided_by_center: str | None
    deemed_approval: bool = False


@dataclass(frozen=True)
class JointSubmission:
    """A joint case filed at intake (case.submitted), before it is accepted."""

    case_id: str
    center: str
    item_code: str
    case_no: str


@dataclass(frozen=True)
class SealedDocument:
    """A decision document with its electronic seal."""

    case_id: str
    document: dict[str, Any]
    pdf: bytes
    seal: dict[str, str]
    issued_at: datetime


@dataclass(frozen=True)
class WorkSearch:
    """A worklist line is kept when it matches every given field."""

    case_no: str | None = None
    applicant: str | None = None  # part of the name, or the whole identity number
    item_code: str | None = None
    status: str | None = None  # `accepted` (running) or `suspended`, the shared vocabulary
    accepted_from: date | None = None  # Beijing calendar days, both included
    accepted_to: date | None = None


@dataclass(frozen=True)
class WorkQuery:
    """Which worklist: the center and department, one person's only, searched, one page."""

    held_at: str
    department: str
    person: str | None
    search: WorkSearch
    key: str  # the HMAC key of identity numbers
    cursor: str | None
    limit: int


@dataclass(frozen=True)
class Message:
    """One notice to one phone; `message_id` lets the gateway drop a resend."""

    message_id: str
    case_id: str
    channel: str  # sms | voice
    to: str
    text: str
    kind: str = "decision"  # decision (送达) | suspension (art. 45 书面告知)


@dataclass(frozen=True)
class Notice:
    """A notice to queue: for which case, how, to which phone, what."""

    case_id: str
    channel: str
    phone: str
    text: str
    kind: str = "decision"


class DuplicateDocument(Exception):
    """Another process kept the case's decision document first (its unique key said so)."""


class NotificationFailed(Exception):
    """The gateway did not take the message; it is tried again later."""


class Notifier(Protocol):
    """Sends a message or raises NotificationFailed."""

    async def send(self, message: Message) -> None:
        """Hand the message to the carrier."""
        ...


class Seals(Protocol):
    """Renders decision documents and signs them with the department's key."""

    def render(self, document: dict[str, Any]) -> bytes:
        """The document's PDF."""
        ...

    def sign(self, department: str, document: dict[str, Any], pdf: bytes) -> dict[str, str]:
        """The seal over the canonical document and the PDF's digest."""
        ...

    def public_pem(self, key_id: str) -> str:
        """The PEM of a known key ('' when unknown)."""
        ...


class ApprovalViews(Protocol):
    """Approval's tables as one transaction sees them: what handlers may read and write."""

    async def contact_of(self, case_id: str) -> Contact | None: ...
    async def remember_contact(self, case_id: str, contact: Contact) -> None: ...
    async def materials_of(self, case_id: str) -> list[str]: ...
    async def remember_materials(self, case_id: str, codes: list[str]) -> None: ...
    async def item_of(self, code: str) -> CatalogItem | None: ...
    async def remember_item(self, item: CatalogItem) -> None: ...
    async def joint_item_of(self, code: str) -> JointItem | None: ...
    async def remember_joint_item(self, item: JointItem, version: int) -> None: ...
    async def submission_of(self, case_id: str) -> JointSubmission | None: ...
    async def remember_submission(self, filed: JointSubmission) -> None: ...
    async def lock(self, case_id: str) -> None: ...
    async def refresh(self, case: ApprovalCase) -> None: ...
    async def refresh_parts(self, case: ApprovalCase) -> None: ...
    async def lock_open(self) -> list[str]: ...
    async def open_case_ids(self, department: str) -> list[str]: ...
    async def open_part_case_ids(self, department: str) -> list[str]: ...
    async def overdue_deemable(self, now: datetime) -> list[str]: ...
    async def decided_without_document(self, before: datetime) -> list[str]: ...
    async def worklist_page(self, query: WorkQuery) -> list[dict[str, Any]]: ...
    async def document_of(self, case_id: str) -> SealedDocument | None: ...
    async def document_by_number(self, document_id: str) -> SealedDocument | None: ...
    async def save_document_once(self, sealed: SealedDocument) -> bool: ...
    async def enqueue(self, notice: Notice) -> str: ...
    async def notices_of(self, case_id: str) -> list[dict[str, Any]]: ...
    async def due_notices(self, now: datetime, limit: int) -> list[Message]: ...
    async def lease_notice(self, message_id: str, now: datetime, until: datetime) -> bool: ...
    async def mark_sent(self, message_id: str) -> None: ...
    async def reschedule(self, message_id: str, *, error: str, base: float, cap: float) -> None: ...
    async def names(self) -> NameBook: ...
    async def store_schedule(self, schedule: YearSchedule) -> None: ...
    async def clear_worklist(self) -> None: ...
    async def opened_streams(self) -> list[str]: ...
    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]: ...


ApprovalUnit = UnitOfWork[ApprovalViews]
ApprovalTx = Transaction[ApprovalViews]

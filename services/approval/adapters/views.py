"""Approval's SQL views on one connection: the `ApprovalViews` port over the adapter modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import org
from libs.events.calendar import YearSchedule
from libs.events.schedules import store_schedule
from services.approval.adapters import (
    deliveries,
    documents,
    joint_store,
    projection,
    references,
    worklist_query,
)
from services.approval.application.ports import (
    CatalogItem,
    Contact,
    DuplicateDocument,
    JointSubmission,
    Message,
    Notice,
    SealedDocument,
    WorkQuery,
)
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import NameBook
from services.approval.domain.joint import JointItem


class SqlApprovalViews:
    """Every table approval keeps beside its event store, as one transaction sees them."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def contact_of(self, case_id: str) -> Contact | None:
        """The applicant of a case, when known."""
        return await references.contact_of(self.conn, case_id)

    async def remember_contact(self, case_id: str, contact: Contact) -> None:
        """Keep (or refresh) an applicant's name and phone."""
        await references.remember_contact(self.conn, case_id, contact)

    async def materials_of(self, case_id: str) -> list[str]:
        """The materials received for a case."""
        return await references.materials_of(self.conn, case_id)

    async def remember_materials(self, case_id: str, codes: list[str]) -> None:
        """Add to the materials of a case."""
        await references.remember_materials(self.conn, case_id, codes)

    async def item_of(self, code: str) -> CatalogItem | None:
        """The newest known catalogue item."""
        return await references.item_of(self.conn, code)

    async def remember_item(self, item: CatalogItem) -> None:
        """Keep the newest version of an item."""
        await references.remember_item(self.conn, item)

    async def joint_item_of(self, code: str) -> JointItem | None:
        """The newest known joint item."""
        return await joint_store.joint_item_of(self.conn, code)

    async def remember_joint_item(self, item: JointItem, version: int) -> None:
        """Keep the newest version of a joint item."""
        await joint_store.remember_joint_item(self.conn, item, version)

    async def submission_of(self, case_id: str) -> JointSubmission | None:
        """A joint case filed at intake."""
        return await joint_store.submission_of(self.conn, case_id)

    async def remember_submission(self, filed: JointSubmission) -> None:
        """Keep a filed joint case (once)."""
        await joint_store.remember_submission(self.conn, filed)

    async def lock(self, case_id: str) -> None:
        """Lock the case's worklist row (PostgreSQL) before its calendar is read."""
        await projection.lock(self.conn, case_id)

    async def refresh(self, case: ApprovalCase) -> None:
        """Rewrite the case's worklist row."""
        await projection.refresh(self.conn, case)

    async def refresh_parts(self, case: ApprovalCase) -> None:
        """Rewrite the rows of a joint case's parts."""
        await joint_store.refresh_parts(self.conn, case)

    async def lock_open(self) -> list[str]:
        """Every undecided work item, locked, in key order."""
        return await projection.lock_open(self.conn)

    async def open_case_ids(self, department: str) -> list[str]:
        """Every undecided work item of a department."""
        return await projection.open_case_ids(self.conn, department=department)

    async def open_part_case_ids(self, department: str) -> list[str]:
        """Every joint case with an undecided part of a department."""
        return await joint_store.open_part_case_ids(self.conn, department=department)

    async def overdue_deemable(self, now: datetime) -> list[str]:
        """Running work past its deadline whose item allows deemed approval."""
        return await projection.overdue_deemable(self.conn, now=now)

    async def decided_without_document(self, before: datetime) -> list[str]:
        """Work decided before `before` that has no sealed document yet."""
        return await projection.decided_without_document(self.conn, before=before)

    async def worklist_page(self, query: WorkQuery) -> list[dict[str, Any]]:
        """One page of a department's open work (and one line more)."""
        return await worklist_query.worklist_page(self.conn, query)

    async def document_of(self, case_id: str) -> SealedDocument | None:
        """The case's sealed decision document."""
        return await documents.load(self.conn, case_id)

    async def document_by_number(self, document_id: str) -> SealedDocument | None:
        """The sealed document issued under this number."""
        return await documents.load_by_number(self.conn, document_id)

    async def save_document_once(self, sealed: SealedDocument) -> bool:
        """Keep the sealed document unless one is kept already."""
        try:
            return await documents.save_once(self.conn, sealed)
        except IntegrityError as exc:  # another process inserted it meanwhile
            raise DuplicateDocument(sealed.case_id) from exc

    async def enqueue(self, notice: Notice) -> str:
        """Queue a notice for the applicant; its message id."""
        return await deliveries.enqueue(
            self.conn,
            case_id=notice.case_id,
            channel=notice.channel,
            phone=notice.phone,
            text=notice.text,
            kind=notice.kind,
        )

    async def notices_of(self, case_id: str) -> list[dict[str, Any]]:
        """Every notice of a case, oldest first, the phone masked."""
        return await deliveries.sent_for(self.conn, case_id)

    async def due_notices(self, now: datetime, limit: int) -> list[Message]:
        """Notices due now that no sender holds."""
        return await deliveries.due(self.conn, now=now, limit=limit)

    async def lease_notice(self, message_id: str, now: datetime, until: datetime) -> bool:
        """Take a notice until `until`, unless another sender did."""
        return await deliveries.lease(self.conn, message_id, now=now, until=until)

    async def mark_sent(self, message_id: str) -> None:
        """The gateway took the notice."""
        await deliveries.mark_sent(self.conn, message_id)

    async def reschedule(self, message_id: str, *, error: str, base: float, cap: float) -> None:
        """Try the notice again later, with backoff."""
        await deliveries.reschedule(self.conn, message_id, error=error, base=base, cap=cap)

    async def names(self) -> NameBook:
        """Center and department names as known here."""
        return await org.names(self.conn)

    async def store_schedule(self, schedule: YearSchedule) -> None:
        """Keep a loaded calendar year."""
        await store_schedule(self.conn, schedule)

    async def clear_worklist(self) -> None:
        """Delete every worklist row."""
        await projection.clear_worklist(self.conn)

    async def opened_streams(self) -> list[str]:
        """Every stream that opened work here, in order."""
        return await projection.opened_streams(self.conn)

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every worklist row but its `updated_at`."""
        return await projection.snapshot(self.conn)

"""Facts approval keeps from intake's events: applicants' contacts, materials, catalogue items."""

from __future__ import annotations

from libs.events.contract import CaseSubmitted, CaseSupplemented, ItemPublished
from libs.events.privacy import id_digest
from services.approval.application.ports import ApprovalTx, CatalogItem, Contact


async def when_case_submitted_remember_applicant(
    tx: ApprovalTx, event: CaseSubmitted, *, id_key: str
) -> None:
    """The applicant's name and phone, for the decision document and the notice, and the
    identity number's keyed hash, to find the case on the worklist by."""
    a = event.applicant
    contact = Contact(a.name, a.phone, event.submitted_by, id_digest(a.id_no, id_key))
    await tx.views.remember_contact(event.case_id, contact)
    await tx.views.remember_materials(event.case_id, event.materials)


async def when_case_supplemented_remember_materials(
    tx: ApprovalTx, event: CaseSupplemented
) -> None:
    """补正: the materials handed in later."""
    await tx.views.remember_materials(event.case_id, event.materials)


async def when_item_published_remember_item(tx: ApprovalTx, event: ItemPublished) -> None:
    """The item's name and, for reported items, the center that decides them."""
    item = CatalogItem(
        event.code, event.version, event.name, event.decided_by_center, event.deemed_approval
    )
    await tx.views.remember_item(item)

"""What approval keeps from other services' events: applicants' contacts and catalogue items."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.approval.adapters.tables import case_materials, catalog_items, contacts
from services.approval.application.ports import CatalogItem, Contact


async def remember_contact(conn: AsyncConnection, case_id: str, contact: Contact) -> None:
    """Keep (or refresh) an applicant's name and phone for a case."""
    known = await contact_of(conn, case_id)
    if known is not None and (not contact.phone or known == contact):
        return
    await conn.execute(delete(contacts).where(contacts.c.case_id == case_id))
    await conn.execute(
        insert(contacts).values(
            case_id=case_id,
            name=contact.name,
            phone=contact.phone,
            submitted_by=contact.submitted_by,
            id_hash=contact.id_hash or (known.id_hash if known else "") or None,
            recorded_at=datetime.now(UTC),
        )
    )


async def contact_of(conn: AsyncConnection, case_id: str) -> Contact | None:
    """The applicant of a case, when known."""
    row = (await conn.execute(select(contacts).where(contacts.c.case_id == case_id))).first()
    if row is None:
        return None
    return Contact(row.name, row.phone, row.submitted_by or "", row.id_hash or "")


async def remember_materials(conn: AsyncConnection, case_id: str, codes: list[str]) -> None:
    """Add to the materials a case was received with."""
    known = await materials_of(conn, case_id)
    merged = sorted({*known, *codes})
    if merged == known:
        return
    await conn.execute(delete(case_materials).where(case_materials.c.case_id == case_id))
    await conn.execute(insert(case_materials).values(case_id=case_id, codes=merged))


async def materials_of(conn: AsyncConnection, case_id: str) -> list[str]:
    """The codes of the materials received for a case."""
    query = select(case_materials.c.codes).where(case_materials.c.case_id == case_id)
    codes = (await conn.execute(query)).scalar_one_or_none()
    return list(codes or [])


async def remember_item(conn: AsyncConnection, item: CatalogItem) -> None:
    """Keep the newest version of an item (older versions arriving late change nothing)."""
    known = await item_of(conn, item.code)
    if known is not None and known.version >= item.version:
        return
    await conn.execute(delete(catalog_items).where(catalog_items.c.code == item.code))
    await conn.execute(
        insert(catalog_items).values(
            code=item.code,
            version=item.version,
            name=item.name,
            decided_by_center=item.decided_by_center,
            deemed_approval=item.deemed_approval,
        )
    )


async def item_of(conn: AsyncConnection, code: str) -> CatalogItem | None:
    """The newest known version of a catalogue item."""
    query = select(catalog_items).where(catalog_items.c.code == code)
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    return CatalogItem(
        row.code, row.version, row.name, row.decided_by_center, bool(row.deemed_approval)
    )

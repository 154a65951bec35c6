"""Receipt of a case (收件): the applicant's check, the materials and the first notice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from libs.events.contract import Applicant, CaseSubmitted, CaseSupplementRequested, Channel
from libs.events.registry import Event
from services.intake.domain import rules
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.identity import check_applicant, normalize_id, normalize_phone


@dataclass(frozen=True)
class Receipt:
    """What arrives at the window or online: the item, the applicant and the materials."""

    case_id: str
    case_no: str
    center: str
    applicant: Applicant
    materials: Sequence[str]
    rejected: Mapping[str, str] = field(default_factory=dict)  # code -> why it is not accepted
    channel: Channel = "window"
    submitted_by: str = ""


def unknown_materials(item: ItemVersion, codes: Sequence[str]) -> None:
    """Raise UnknownMaterials for codes the item's version does not list."""
    unknown = sorted({c for c in codes if item.material(c) is None})
    if unknown:
        raise rules.UnknownMaterials(
            f"item {item.code} v{item.version} lists no materials {', '.join(unknown)}",
            field="materials",
            materials=unknown,
        )


def submit(item: ItemVersion, receipt: Receipt, *, now: datetime) -> list[Event]:
    """Receive a case; a missing or rejected required material starts the one-time notice."""
    given = receipt.applicant
    check_applicant(given.id_type, given.id_no, given.phone)
    applicant = Applicant(
        name=given.name.strip(),
        id_type=given.id_type,
        id_no=normalize_id(given.id_no),
        phone=normalize_phone(given.phone),
    )
    unknown_materials(item, [*receipt.materials, *receipt.rejected])
    if receipt.channel == "online" and not item.online:
        raise rules.OnlineApplicationNotAllowed(
            f"item {item.code} ({item.name}) cannot be applied for online; apply at a window"
        )
    provided = _in_item_order(item, set(receipt.materials) - set(receipt.rejected))
    missing = [c for c in item.required_codes() if c not in provided]
    submitted = _submitted(item, receipt, applicant, provided, missing, now)
    # An optional material handed in but found wrong is in the notice too (to fix or drop).
    to_fix = _in_item_order(item, set(missing) | set(receipt.rejected))
    if not to_fix:
        return [submitted]
    reasons = {c: r for c, r in receipt.rejected.items() if c in to_fix}
    notice = CaseSupplementRequested(
        case_id=receipt.case_id, center=receipt.center, missing=to_fix, reasons=reasons
    )
    return [submitted, notice]


def _in_item_order(item: ItemVersion, codes: set[str]) -> list[str]:
    return [m.code for m in item.materials if m.code in codes]


def _submitted(
    item: ItemVersion,
    receipt: Receipt,
    applicant: Applicant,
    provided: list[str],
    missing: list[str],
    now: datetime,
) -> CaseSubmitted:
    return CaseSubmitted(
        case_id=receipt.case_id,
        center=receipt.center,
        case_no=receipt.case_no,
        item_code=item.code,
        item_version=item.version,
        item_name=item.name,
        department=item.department,
        kind=item.kind,
        channel=receipt.channel,
        applicant=applicant,
        materials=provided,
        missing=missing,
        submitted_at=now,
        legal_limit_days=item.legal_limit_days,
        promised_limit_days=item.promised_limit_days,
        deemed_approval=item.deemed_approval,
        submitted_by=receipt.submitted_by,
        material_names={m.code: m.name for m in item.materials},
    )

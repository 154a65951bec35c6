"""Builders for intake's domain tests: an item version, an applicant, a case from its events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from libs.events.clock import SHANGHAI
from libs.events.contract import Applicant
from libs.events.registry import Event
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemSpec, ItemVersion
from services.intake.domain.submission import Receipt, submit

# Wednesday 25 November 2026, 10:00 in Beijing; no holiday in the following weeks.
NOW = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
CASE_ID = "case-1"

MATERIALS = [
    {"code": "APP", "name": "食品经营许可申请书", "required": True, "key": True},
    {"code": "LIC", "name": "营业执照复印件", "required": True, "key": True},
    {"code": "LAY", "name": "经营场所平面布局图", "required": True, "key": False},
    {"code": "HLT", "name": "从业人员健康证明", "required": True, "key": False},
    {"code": "AUTH", "name": "授权委托书", "required": False, "key": False},
]


def spec(**overrides: Any) -> ItemSpec:
    """A food business licence (食品经营许可) as the catalogue would hold it."""
    values: dict[str, Any] = {
        "name": "食品经营许可",
        "department": "SCJG",
        "kind": "promised",
        "legal_basis": "《食品安全法》第三十五条",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "materials": MATERIALS,
        "deemed_approval": True,
        "online": True,
    }
    values.update(overrides)
    return ItemSpec.model_validate(values)


def item(version: int = 1, **overrides: Any) -> ItemVersion:
    """A published version of the item."""
    return ItemVersion(
        code="SCJG-003",
        version=version,
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        **spec(**overrides).model_dump(),
    )


def applicant(**overrides: str) -> Applicant:
    """A person with a valid resident ID (the GB 11643 example) and mobile number."""
    values = {"name": "张三", "id_type": "resident", "id_no": "11010519491231002X"}
    values["phone"] = "13800138000"
    values.update(overrides)
    return Applicant(**values)


def receipt(materials: Sequence[str], **overrides: Any) -> Receipt:
    """What a window clerk receives."""
    values: dict[str, Any] = {
        "case_id": CASE_ID,
        "case_no": "35050020261125000001",
        "center": "350500",
        "applicant": applicant(),
        "materials": list(materials),
        "submitted_by": "clerk-1",
    }
    values.update(overrides)
    return Receipt(**values)


def case_from(events: Sequence[Event]) -> Case:
    """The aggregate as these past events leave it."""
    case = Case(CASE_ID)
    for event in events:
        case.apply(event)
    return case


def submitted(
    materials: Sequence[str], the_item: ItemVersion | None = None, **overrides: Any
) -> Case:
    """A case received with these materials."""
    return case_from(submit(the_item or item(), receipt(materials, **overrides), now=NOW))


def then(case: Case, events: Sequence[Event]) -> Case:
    """Fold new events into the case and hand it back."""
    for event in events:
        case.apply(event)
    return case

"""The item catalogue (事项目录): versioned items and the rules an item version must keep."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from libs.events.aggregate import Aggregate
from libs.events.bodies import RequestBody
from libs.events.contract import ItemPublished, Kind
from libs.events.registry import Event
from services.intake.domain import rules
from services.intake.events import ItemRetired

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
# Printable text: no NUL or other control characters (tab and line breaks allowed).
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class Material(RequestBody):
    """A material an item asks for: required or optional, key or non-key (for 容缺)."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)
    required: bool = True
    key: bool = False


class JointPart(RequestBody):
    """A department of a joint item and its own limit in working days."""

    model_config = ConfigDict(frozen=True)

    department: str = Field(pattern=CODE_PATTERN)
    limit_days: int = Field(ge=0, le=3650)


class ItemSpec(RequestBody):
    """What an administrator publishes for one item (its code and version aside)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)
    department: str = Field(pattern=CODE_PATTERN)
    kind: Kind
    legal_basis: str = Field(default="", max_length=2000, pattern=TEXT_PATTERN)
    legal_limit_days: int = Field(ge=0, le=3650)
    promised_limit_days: int = Field(ge=0, le=3650)
    fees: str = Field(default="", max_length=500, pattern=TEXT_PATTERN)
    materials: list[Material] = Field(default_factory=list, max_length=200)
    deemed_approval: bool = False
    online: bool = False
    green_channel: bool = False
    lead_department: str | None = Field(default=None, pattern=CODE_PATTERN)
    departments: list[JointPart] = Field(default_factory=list, max_length=50)
    decided_by_center: str | None = Field(default=None, pattern=CODE_PATTERN)


class Retirement(BaseModel):
    """Why and when an item left the catalogue."""

    model_config = ConfigDict(frozen=True)

    reason: str
    legal_basis: str = ""
    retired_at: datetime
    retired_by: str = ""


class RetireItem(RequestBody):
    """Withdraw an item from the catalogue: the reason and its legal basis (e.g. the repeal)."""

    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)
    legal_basis: str = Field(default="", max_length=2000, pattern=TEXT_PATTERN)


class ItemVersion(ItemSpec):
    """One published version of an item; cases keep the version they were submitted under."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # read from storage, not a request

    code: str
    version: int
    published_at: datetime
    published_by: str = ""
    retired: Retirement | None = None  # set once the item is withdrawn from the catalogue

    @classmethod
    def from_event(cls, event: ItemPublished) -> ItemVersion:
        """The version an ItemPublished event carries."""
        return cls.model_validate(event.model_dump(exclude={"center"}))

    def spec(self) -> ItemSpec:
        """The publishable part of this version."""
        return ItemSpec.model_validate(self.model_dump(include=set(ItemSpec.model_fields)))

    def material(self, code: str) -> Material | None:
        """The material with this code, if the item lists it."""
        return next((m for m in self.materials if m.code == code), None)

    def required_codes(self) -> list[str]:
        """Codes of the required materials, in the item's order."""
        return [m.code for m in self.materials if m.required]

    def names(self, codes: list[str]) -> str:
        """`申请书 (APP)、营业执照 (LIC)` for messages."""
        return "、".join(f"{m.name} ({m.code})" if (m := self.material(c)) else c for c in codes)

    def case_limit_days(self) -> int:
        """Working days a case gets: none for 即办件 (due the day it is accepted)."""
        return 0 if self.kind == "immediate" else self.promised_limit_days


def check_item(spec: ItemSpec) -> None:
    """Raise the first rule an item version breaks."""
    if spec.promised_limit_days > spec.legal_limit_days:
        raise rules.PromisedLimitMayNotExceedLegalLimit(
            f"promised_limit_days ({spec.promised_limit_days}) exceeds legal_limit_days "
            f"({spec.legal_limit_days}); 承诺时限 must not exceed 法定时限",
            field="promised_limit_days",
        )
    _check_materials(spec)
    if spec.kind == "joint":
        _check_joint(spec)
    if spec.kind == "reported" and not (spec.decided_by_center or "").strip():
        raise rules.ReportedItemMustNameDecidingCenter(
            "a reported item (上报件) names the center that decides it in decided_by_center",
            field="decided_by_center",
        )


def _check_materials(spec: ItemSpec) -> None:
    twice = sorted(c for c, n in Counter(m.code for m in spec.materials).items() if n > 1)
    if twice:
        raise rules.MaterialCodesMustBeUnique(
            f"material codes appear more than once: {', '.join(twice)}",
            field="materials",
            materials=twice,
        )
    optional_keys = [m.code for m in spec.materials if m.key and not m.required]
    if optional_keys:
        raise rules.KeyMaterialMustBeRequired(
            f"key materials must be required: {', '.join(optional_keys)}",
            field="materials",
            materials=optional_keys,
        )


def _check_joint(spec: ItemSpec) -> None:
    if not spec.lead_department or not spec.departments:
        raise rules.JointItemNeedsDepartments(
            "a joint item (联办件) names lead_department and its departments",
            field="departments",
        )
    names = [p.department for p in spec.departments]
    twice = sorted(d for d, n in Counter(names).items() if n > 1)
    if twice:
        raise rules.JointDepartmentsMustBeUnique(
            f"departments listed more than once: {', '.join(twice)}", field="departments"
        )
    if spec.lead_department not in names:
        raise rules.JointLeadMustBeAmongDepartments(
            f"lead_department {spec.lead_department} is not among the departments "
            f"({', '.join(names)})",
            field="lead_department",
        )
    late = [p.department for p in spec.departments if p.limit_days > spec.promised_limit_days]
    if late:
        raise rules.JointPartLimitMayNotExceedPromisedLimit(
            f"departments {', '.join(late)} have limits beyond the promised "
            f"{spec.promised_limit_days} working days",
            field="departments",
        )


class CatalogItem(Aggregate):
    """One item's stream (`item-<code>`): its versions, newest last."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.current: ItemVersion | None = None

    def when(self, event: Event) -> None:
        """Fold a published version."""
        if isinstance(event, ItemPublished):
            self.current = ItemVersion.from_event(event)
        elif isinstance(event, ItemRetired) and self.current is not None:
            retired = Retirement.model_validate(event.model_dump())
            self.current = self.current.model_copy(update={"retired": retired})

    def retire(self, order: RetireItem, *, center: str, now: datetime, by: str) -> list[Event]:
        """Withdraw the item: no new cases from now on; open cases go on."""
        if self.current is None:
            raise rules.UnknownItem(f"{self.stream_id} is not in the catalogue")
        if self.current.retired is not None:
            raise rules.ItemAlreadyRetired(
                f"item {self.current.code} was retired on "
                f"{self.current.retired.retired_at:%Y-%m-%d}"
            )
        return [
            ItemRetired(
                center=center,
                code=self.current.code,
                version=self.current.version,
                reason=order.reason.strip(),
                legal_basis=order.legal_basis.strip(),
                retired_at=now,
                retired_by=by,
            )
        ]

    def publish(
        self, code: str, spec: ItemSpec, *, center: str, now: datetime, by: str
    ) -> list[Event]:
        """A new version, or nothing when the spec equals the current version's; a retired
        item comes back as a new version."""
        check_item(spec)
        current = self.current
        if current is not None and current.retired is None and current.spec() == spec:
            return []
        version = 1 if self.current is None else self.current.version + 1
        data: dict[str, Any] = spec.model_dump()
        return [
            ItemPublished(
                center=center, code=code, version=version, published_at=now, published_by=by, **data
            )
        ]


def item_stream(code: str) -> str:
    """The stream id of an item's versions."""
    return f"item-{code}"

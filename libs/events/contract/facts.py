"""A center's shared facts: the catalogue's items, the official calendar, the names."""

from __future__ import annotations

from datetime import date, datetime

from libs.events.contract.cases import Kind
from libs.events.registry import CASE_EVENTS, Event, registry


class CatalogMaterial(Event):
    """One material an item asks for; key materials can never be tolerated (容缺)."""

    code: str
    name: str
    required: bool = True
    key: bool = False


class JointDepartment(Event):
    """A department of a joint item (联办件) with its own limit in working days."""

    department: str
    limit_days: int


@registry.register("onewindow.catalog.item_published.v1", topic=CASE_EVENTS)
class ItemPublished(Event):
    """A new version of a catalogue item (事项), carried whole: consumers need no call back."""

    center: str
    code: str
    version: int
    name: str
    department: str
    kind: Kind
    legal_basis: str = ""
    legal_limit_days: int
    promised_limit_days: int
    fees: str = ""
    materials: list[CatalogMaterial]
    deemed_approval: bool = False
    online: bool = False
    green_channel: bool = False
    lead_department: str | None = None
    departments: list[JointDepartment] = []
    decided_by_center: str | None = None
    published_at: datetime
    published_by: str = ""


@registry.register("onewindow.calendar.year_loaded.v1", topic=CASE_EVENTS)
class CalendarYearLoaded(Event):
    """A center administrator loaded a year's official schedule (holidays, adjusted workdays)."""

    year: int
    holidays: list[date]
    workdays: list[date]
    loaded_by: str = ""


@registry.register("onewindow.org.center_named.v1", topic=CASE_EVENTS)
class CenterNamed(Event):
    """A center's name (政务服务中心), printed on receipts, decisions, reports and the dashboard."""

    center: str
    name: str
    by: str = ""
    named_at: datetime


@registry.register("onewindow.org.department_named.v1", topic=CASE_EVENTS)
class DepartmentNamed(Event):
    """A department's name at one center (city 国土局 and county 国土局 are different units)."""

    center: str
    code: str
    name: str
    by: str = ""
    named_at: datetime

"""What intake's handlers may ask of the database: the views port, and the rows it answers.

`adapters/views.py` (SQL, one connection) and the unit tests' in-memory fake both satisfy it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from libs.events.auth import Principal
from libs.events.calendar import Deadline, WorkCalendar, YearSchedule
from libs.events.caseclock import ClockFacts
from libs.events.contract import CaseEvent, ItemPublished
from libs.events.envelope import Envelope
from libs.events.org import Names
from libs.events.registry import Event
from libs.events.words import case_status
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.events import ItemRetired


@dataclass(frozen=True)
class CaseRow:
    """A case's row in the `cases` read model."""

    case_id: str
    case_no: str
    center: str
    item_code: str
    item_version: int
    item_name: str
    department: str
    kind: str
    channel: str
    applicant_name: str
    applicant_id_no: str
    submitted_by: str
    status: str
    submitted_at: datetime
    updated_at: datetime
    provisional: bool = False
    query_code: str | None = None
    query_hash: str | None = None
    accepted_at: datetime | None = None
    limit_days: int | None = None
    deadline: datetime | None = None
    due_day: date | None = None
    clock: dict[str, Any] | None = None
    promise_due: date | None = None
    outcome: str | None = None
    decided_at: datetime | None = None
    progress: str | None = None
    delivered_at: datetime | None = None

    @property
    def shared_status(self) -> str:
        """The case's status in the vocabulary every service answers in: approval's outcome,
        else its state (suspended, escalated), else intake's own."""
        return self.outcome or self.progress or case_status(self.status)

    @property
    def clock_facts(self) -> ClockFacts | None:
        """The case clock's facts (acceptance, pauses, the extension), once accepted."""
        return ClockFacts.from_json(self.clock) if self.clock else None


@dataclass(frozen=True)
class CaseFilter:
    """What staff search a case list by; every field narrows, none widens."""

    status: str | None = None
    case_no: str | None = None
    applicant: str | None = None  # part of the name, or the whole identity number
    department: str | None = None
    item_code: str | None = None
    received_from: date | None = None  # Beijing calendar days, both included
    received_to: date | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """Another service's event on one of intake's cases, as the history shows it."""

    type: str
    at: datetime
    source: str
    data: dict[str, Any]


@dataclass(frozen=True)
class PublishedDecision:
    """A sealed decision document approval published, for the public download."""

    case_id: str
    document_id: str
    document: dict[str, str]
    pdf: str
    seal: dict[str, str]
    public_key_pem: str
    issued_at: datetime


@dataclass(frozen=True)
class OpenClock:
    """An open case's clock facts and the deadline they gave under the calendar before."""

    case_id: str
    clock: ClockFacts
    current: Deadline


@dataclass(frozen=True)
class ReceiptData:
    """Everything the receipt prints."""

    center: str
    center_name: str
    case_no: str
    query_code: str
    item_code: str
    item_version: int
    item_name: str
    department: str  # the department's name (its code only when it has none)
    kind: str
    channel: str
    applicant_name: str
    applicant_id_no: str
    accepted_at: datetime
    received: list[str]  # material names
    tolerated: list[str]
    supplement_by: date | None
    promise: str
    due_day: date
    limit_days: int
    provisional: bool
    added_days: int = 0  # working days the deadline moved since acceptance (pauses, extension)
    promised_first: date | None = None  # the promise date before its one extension


CalendarOf = Callable[[], Awaitable[WorkCalendar]]


class CatalogViews(Protocol):
    """The catalogue read model: every version of every item."""

    async def item_version(self, code: str, version: int) -> ItemVersion | None: ...
    async def current_item(self, code: str) -> ItemVersion | None: ...
    async def item_versions(self, code: str) -> list[ItemVersion]: ...
    async def current_items(
        self, *, department: str | None, kind: str | None, online: bool | None
    ) -> list[ItemVersion]: ...
    async def count_items(self) -> int: ...
    async def record_version(self, event: ItemPublished) -> None: ...
    async def record_retirement(self, event: ItemRetired) -> None: ...


class CaseViews(Protocol):
    """The `cases` read model, its sequences and what other services reported."""

    async def next_sequence(self, center: str, day: str) -> int: ...
    async def project_case(self, case: Case, new: Sequence[Event], *, now: datetime) -> None: ...
    async def set_query_code(self, case_id: str, code: str | None, hashed: str) -> None: ...
    async def case_row(self, case_id: str) -> CaseRow | None: ...
    async def case_by_number(self, case_no: str) -> CaseRow | None: ...
    async def list_cases(
        self, principal: Principal, search: CaseFilter, cursor: str | None, limit: int
    ) -> list[CaseRow]: ...
    async def timeline(self, case_id: str) -> list[TimelineEntry]: ...
    async def published_decision(self, case_id: str) -> PublishedDecision | None: ...
    async def unjudged_online_cases(self) -> list[str]: ...
    async def overdue_promises(self, before: date) -> list[str]: ...
    async def open_clocks(self) -> list[OpenClock]: ...
    async def apply_reported(self, event: CaseEvent, calendar: CalendarOf) -> bool: ...
    async def record_reported(self, envelope: Envelope, event: CaseEvent) -> None: ...


class IntakeViews(CatalogViews, CaseViews, Protocol):
    """Everything intake's handlers read and write besides the event store, in one transaction."""

    async def org_name(self, kind: str, center: str, code: str) -> str | None: ...
    async def store_name(self, *, kind: str, center: str, code: str, name: str) -> None: ...
    async def org_names(self) -> Names: ...
    async def store_schedule(self, schedule: YearSchedule) -> None: ...
    async def remember_answer(self, status: int, body: Any) -> None: ...
    async def clear_cases(self) -> None: ...
    async def case_streams(self) -> tuple[list[str], dict[str, str]]: ...
    async def reported_events(self) -> list[CaseEvent]: ...
    async def snapshot(self) -> dict[str, tuple[object, ...]]: ...

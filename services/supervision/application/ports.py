"""What supervision's handlers may ask of its storage: the views of one transaction.

`adapters/views.py` answers it with SQL on the transaction's connection; the unit tests answer
it in memory (tests/unit/supervision/fakes.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from libs.events.auth import Principal
from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import Envelope
from libs.events.org import Names
from libs.events.registry import Event
from services.supervision.domain.facts import Happened
from services.supervision.domain.light_view import LightView
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import CaseRecord, Period

Row = dict[str, Any]
Window = tuple[str, str]  # (center, department)
WindowLoops = tuple[dict[Window, list[int]], Counter[Window], Counter[Window]]


@dataclass(frozen=True)
class Received:
    """How a case event reached supervision: its envelope facts and when it was known here."""

    type: str
    center: str
    sequence: int
    time: datetime
    known_at: datetime


@dataclass(frozen=True)
class CaseSearch:
    """What a supervision case list is searched by; every field narrows."""

    case_no: str | None = None
    applicant: str | None = None  # part of the name, or the whole identity number
    item_code: str | None = None
    status: str | None = None  # in the shared vocabulary
    received_from: date | None = None  # Beijing calendar days, both included
    received_to: date | None = None


@dataclass(frozen=True)
class LoopPage:
    """Which page of a loop list: its status and department, the cursor and the page size
    (None: every row, as reports read them)."""

    status: str | None = None
    department: str | None = None
    cursor: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Notification:
    """A queued notification of a warning rung."""

    id: int
    recipient: str
    message: str


class Cases(Protocol):
    """Many cases folded in memory and written at once (the batched consumer and the tick)."""

    def project(self, received: Received, event: Event, calendar: WorkCalendar) -> Happened | None:
        """Facts, ledger and clocks of one case event; None for events of no case."""
        ...

    def refresh(
        self, case_id: str, *, now: datetime, calendar: WorkCalendar, trace: str
    ) -> list[Event]:
        """The light events of one case due by `now`, to be appended on save."""
        ...


class SupervisionViews(Protocol):
    """Supervision's projection and read models in one transaction."""

    # The projection of case events (the consumer, the tick)
    async def record_inbox(self, envelopes: Sequence[Envelope], known_at: datetime) -> None: ...
    async def store_schedule(self, schedule: YearSchedule) -> None: ...
    async def rederive_all(self, calendar: WorkCalendar) -> int: ...
    async def reschedule_all(self, calendar: WorkCalendar) -> int: ...
    async def track_project(self, event: ProjectEvent) -> None: ...
    async def lock_lights(self, case_id: str) -> None: ...
    async def histories(self, case_ids: Sequence[str]) -> dict[str, list[Happened]]: ...
    async def project_case_event(
        self, received: Received, event: Event, calendar: WorkCalendar
    ) -> Happened | None: ...
    async def refresh_lights(
        self, case_id: str, *, now: datetime, calendar: WorkCalendar
    ) -> list[Event]: ...
    async def cases(self, case_ids: Sequence[str], *, lock: bool) -> Cases: ...
    async def save_cases(self, cases: Cases) -> None: ...
    async def apply_own(self, event: Event) -> None: ...
    async def due_cases(self, now: datetime, *, exclude: set[str], limit: int) -> list[str]: ...
    async def due_notifications(self, now: datetime, *, limit: int) -> list[Notification]: ...
    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None: ...

    # Follow-ups (opinions, complaints, notices, ratings) and cases
    async def follow_up(self, kind: str, key: str) -> Row | None: ...
    async def case(self, case_id: str) -> Row | None: ...
    async def loops(
        self, kind: str, principal: Principal, page: LoopPage, *, now: datetime, cal: WorkCalendar
    ) -> list[Row]: ...

    # Read models
    async def names(self) -> Names: ...
    async def light_views(self, case: Row, now: datetime, cal: WorkCalendar) -> list[LightView]: ...
    async def current_lights(
        self, scope: Scope, now: datetime, cal: WorkCalendar, *, open_only: bool
    ) -> list[LightView]: ...
    async def lights_at(
        self, scope: Scope, at: datetime, cal: WorkCalendar, *, known_by: datetime | None = None
    ) -> list[LightView]: ...
    async def case_rows(self, scope: Scope) -> dict[str, Row]: ...
    async def list_cases(
        self,
        principal: Principal,
        scope: Scope,
        search: CaseSearch,
        *,
        cursor: str | None,
        limit: int,
        now: datetime,
        cal: WorkCalendar,
    ) -> list[Row]: ...
    async def records(self, scope: Scope) -> list[CaseRecord]: ...
    async def window_loops(self, scope: Scope, period: Period) -> WindowLoops: ...
    async def acceptance_due(self, scope: Scope) -> list[Row]: ...
    async def green_channel(self, scope: Scope) -> list[Row]: ...
    async def series_statistics(self, scope: Scope, series: str | None) -> list[Row]: ...
    async def last_position(self) -> int: ...
    async def changes_after(
        self, position: int, scope: Scope
    ) -> tuple[int, list[tuple[int, str, Row]]]: ...

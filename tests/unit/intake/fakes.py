"""Intake's views in memory: plain dicts and lists satisfying `application.ports.IntakeViews`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.calendar import Deadline, YearSchedule
from libs.events.caseclock import ClockFacts
from libs.events.envelope import Envelope
from libs.events.org import CENTER, DEPARTMENT, Names
from libs.events.registry import Event
from services.intake.application.ports import (
    CalendarOf,
    CaseFilter,
    CaseRow,
    OpenClock,
    PublishedDecision,
    TimelineEntry,
)
from services.intake.domain.case import OPEN_AFTER_ACCEPTANCE, Case
from services.intake.domain.catalog import ItemVersion, Retirement
from services.intake.domain.query_codes import QueryCodeIssued
from services.intake.events import ItemRetired
from tests.support.fakes import FakeUnitOfWork


def _identity(e: s.CaseSubmitted, now: datetime) -> CaseRow:
    return CaseRow(
        case_id=e.case_id,
        case_no=e.case_no,
        center=e.center,
        item_code=e.item_code,
        item_version=e.item_version,
        item_name=e.item_name,
        department=e.department,
        kind=e.kind,
        channel=e.channel,
        applicant_name=e.applicant.name,
        applicant_id_no=e.applicant.id_no,
        submitted_by=e.submitted_by,
        status="submitted",
        submitted_at=e.submitted_at,
        updated_at=now,
    )


def _deadline(row: CaseRow, event: Event) -> CaseRow:
    if isinstance(event, s.CaseAccepted):
        facts = ClockFacts(event.accepted_at, event.limit_days, event.kind)
        row = replace(row, accepted_at=event.accepted_at, limit_days=event.limit_days)
        row = replace(row, clock=facts.to_json())
    if isinstance(event, s.CaseAccepted | s.CaseDeadlineChanged):
        row = replace(row, deadline=event.deadline, due_day=event.due_day)
        row = replace(row, provisional=event.provisional)
    return row


class FakeCatalog:
    """Item versions by (code, version)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, int], ItemVersion] = {}

    def add(self, item: ItemVersion) -> None:
        """A published version, as if `catalog.item_published` had been recorded."""
        self.items[(item.code, item.version)] = item

    async def item_version(self, code: str, version: int) -> ItemVersion | None:
        return self.items.get((code, version))

    async def item_versions(self, code: str) -> list[ItemVersion]:
        return sorted((i for i in self.items.values() if i.code == code), key=lambda i: i.version)

    async def current_item(self, code: str) -> ItemVersion | None:
        versions = await self.item_versions(code)
        return versions[-1] if versions else None

    async def current_items(
        self, *, department: str | None, kind: str | None, online: bool | None
    ) -> list[ItemVersion]:
        codes = sorted({code for code, _ in self.items})
        current = [i for c in codes if (i := await self.current_item(c)) is not None]
        return [
            i
            for i in current
            if department in (None, i.department) and kind in (None, i.kind)
            if online in (None, i.online)
        ]

    async def count_items(self) -> int:
        return len({code for code, _ in self.items})

    async def record_version(self, event: s.ItemPublished) -> None:
        self.add(ItemVersion.from_event(event))

    async def record_retirement(self, event: ItemRetired) -> None:
        retired = Retirement.model_validate(event.model_dump())
        key = (event.code, event.version)
        self.items[key] = self.items[key].model_copy(update={"retired": retired})


class FakeCases:
    """`cases` rows by case id, sequences, the timeline and published decisions."""

    def __init__(self) -> None:
        self.rows: dict[str, CaseRow] = {}
        self.sequences: dict[tuple[str, str], int] = {}
        self.reported: list[TimelineEntry] = []
        self.decisions: dict[str, PublishedDecision] = {}

    async def next_sequence(self, center: str, day: str) -> int:
        self.sequences[(center, day)] = self.sequences.get((center, day), 0) + 1
        return self.sequences[(center, day)]

    async def project_case(self, case: Case, new: Sequence[Event], *, now: datetime) -> None:
        row = self.rows.get(case.stream_id)
        for event in new:
            if isinstance(event, s.CaseSubmitted):
                row = _identity(event, now)
            assert row is not None
            row = _deadline(row, event)
        assert row is not None
        outstanding = case.status in OPEN_AFTER_ACCEPTANCE and bool(case.tolerated)
        promise_due = case.supplement_by if outstanding else None
        self.rows[case.stream_id] = replace(
            row, status=case.status, promise_due=promise_due, updated_at=now
        )

    async def set_query_code(self, case_id: str, code: str | None, hashed: str) -> None:
        row = self.rows[case_id]
        self.rows[case_id] = replace(row, query_code=code or row.query_code, query_hash=hashed)

    async def case_row(self, case_id: str) -> CaseRow | None:
        return self.rows.get(case_id)

    async def case_by_number(self, case_no: str) -> CaseRow | None:
        return next((r for r in self.rows.values() if r.case_no == case_no), None)

    async def list_cases(
        self, principal: Principal, search: CaseFilter, cursor: str | None, limit: int
    ) -> list[CaseRow]:
        mine = [
            r
            for r in self.rows.values()
            if (r.submitted_by == principal.sub if principal.role == Role.applicant else True)
            and search.status in (None, r.shared_status)
        ]
        return sorted(mine, key=lambda r: (r.submitted_at, r.case_id), reverse=True)[: limit + 1]

    async def timeline(self, case_id: str) -> list[TimelineEntry]:
        return [e for e in self.reported if e.data.get("case_id") == case_id]

    async def published_decision(self, case_id: str) -> PublishedDecision | None:
        return self.decisions.get(case_id)

    async def unjudged_online_cases(self) -> list[str]:
        return [
            r.case_id
            for r in self.rows.values()
            if r.status == "submitted" and r.channel == "online" and r.outcome is None
        ]

    async def overdue_promises(self, before: date) -> list[str]:
        return [
            r.case_id
            for r in self.rows.values()
            if r.status == "accepted" and r.outcome is None
            if r.promise_due is not None and r.promise_due < before
        ]

    async def open_clocks(self) -> list[OpenClock]:
        return [
            OpenClock(
                r.case_id,
                ClockFacts.from_json(r.clock),
                Deadline.end_of(r.due_day, provisional=r.provisional),
            )
            for r in sorted(self.rows.values(), key=lambda r: r.case_id)
            if r.status in OPEN_AFTER_ACCEPTANCE and r.outcome is None and r.clock and r.due_day
        ]

    async def apply_reported(self, event: s.CaseEvent, calendar: CalendarOf) -> bool:
        row = self.rows.get(event.case_id)
        if row is None:
            return False
        if isinstance(event, s.CaseDecided):
            row = replace(row, outcome=event.decision, decided_at=event.decided_at)
        if isinstance(event, s.CaseWithdrawn):
            row = replace(row, outcome="withdrawn", status="withdrawn")
        self.rows[event.case_id] = row
        return True

    async def record_reported(self, envelope: Envelope, event: s.CaseEvent) -> None:
        data = {**envelope.data, "case_id": event.case_id}
        self.reported.append(TimelineEntry(envelope.type, envelope.time, envelope.source, data))


class FakeIntakeViews(FakeCatalog, FakeCases):
    """Every view intake's handlers use, in memory."""

    def __init__(self) -> None:
        FakeCatalog.__init__(self)
        FakeCases.__init__(self)
        self.names: dict[tuple[str, str, str], str] = {}
        self.schedules: dict[int, YearSchedule] = {}
        self.answers: list[tuple[int, Any]] = []

    async def org_name(self, kind: str, center: str, code: str) -> str | None:
        return self.names.get((kind, center, code))

    async def store_name(self, *, kind: str, center: str, code: str, name: str) -> None:
        self.names[(kind, center, code)] = name

    async def org_names(self) -> Names:
        centers = {code: n for (k, _, code), n in self.names.items() if k == CENTER}
        departments = {(c, code): n for (k, c, code), n in self.names.items() if k == DEPARTMENT}
        return Names(centers, departments)

    async def store_schedule(self, schedule: YearSchedule) -> None:
        self.schedules[schedule.year] = schedule

    async def remember_answer(self, status: int, body: Any) -> None:
        self.answers.append((status, body))

    async def clear_cases(self) -> None:
        self.rows.clear()

    async def case_streams(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError("the rebuild is proven against the database")

    async def reported_events(self) -> list[s.CaseEvent]:
        raise NotImplementedError("the rebuild is proven against the database")

    async def snapshot(self) -> dict[str, tuple[object, ...]]:
        raise NotImplementedError("the rebuild is proven against the database")


class FakeIntakeUnitOfWork(FakeUnitOfWork[FakeIntakeViews]):
    """The fake unit of work over intake's fake views; its "then" also reads intake's
    unpublished `intake.query_code_issued`, a type the shared registry does not carry."""

    def __init__(self, views: FakeIntakeViews | None = None) -> None:
        super().__init__(views or FakeIntakeViews())
        self.since = 0

    def given(self, stream_id: str, *events: Event) -> None:
        """Past events of a stream (not new)."""
        super().given(stream_id, *events)
        self.since = self.position

    def new_events(self) -> list[Event]:
        """The events committed since the last call (or since `given`), in store order."""
        fresh = sorted(
            (e for stream in self.streams.values() for e in stream if e.position > self.since),
            key=lambda e: e.position,
        )
        self.since = self.position
        return [
            QueryCodeIssued.model_validate(e.data) if e.type == QueryCodeIssued.TYPE else e.load()
            for e in fresh
        ]

"""`IntakeViews`: intake's SQL read models and bookkeeping on one connection, the views port
(`application/ports.py`) the unit of work hands its handlers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import idempotency, org, schedules
from libs.events.auth import Principal
from libs.events.calendar import YearSchedule
from libs.events.contract import CaseEvent, ItemPublished
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.intake.adapters import cases, catalog, rebuild, reported
from services.intake.adapters.projection import project_case
from services.intake.adapters.sequences import next_sequence
from services.intake.application.ports import (
    CalendarOf,
    CaseFilter,
    CaseRow,
    OpenClock,
    PublishedDecision,
    TimelineEntry,
)
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.events import ItemRetired


class CatalogSql:
    """The catalogue read model on one connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def item_version(self, code: str, version: int) -> ItemVersion | None:
        """One version of an item."""
        return await catalog.item_version(self.conn, code, version)

    async def current_item(self, code: str) -> ItemVersion | None:
        """The newest version of an item."""
        return await catalog.current_item(self.conn, code)

    async def item_versions(self, code: str) -> list[ItemVersion]:
        """Every version of an item, oldest first."""
        return await catalog.versions(self.conn, code)

    async def current_items(
        self, *, department: str | None, kind: str | None, online: bool | None
    ) -> list[ItemVersion]:
        """The current version of every item, filtered."""
        return await catalog.current_items(
            self.conn, department=department, kind=kind, online=online
        )

    async def count_items(self) -> int:
        """How many distinct items the catalogue holds."""
        return await catalog.count_items(self.conn)

    async def record_version(self, event: ItemPublished) -> None:
        """Store a published version."""
        await catalog.record_version(self.conn, event)

    async def record_retirement(self, event: ItemRetired) -> None:
        """Mark the retired version."""
        await catalog.record_retirement(self.conn, event)


class CasesSql:
    """The `cases` read model and what other services reported, on one connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def next_sequence(self, center: str, day: str) -> int:
        """The next case number's sequence for the center and day."""
        return await next_sequence(self.conn, center, day)

    async def project_case(self, case: Case, new: Sequence[Event], *, now: datetime) -> None:
        """Bring the case's row along with its new events."""
        await project_case(self.conn, case, new, now=now)

    async def set_query_code(self, case_id: str, code: str | None, hashed: str) -> None:
        """Keep the case's query code."""
        await cases.set_query_code(self.conn, case_id, code, hashed)

    async def case_row(self, case_id: str) -> CaseRow | None:
        """The case's row."""
        return await cases.case_row(self.conn, case_id)

    async def case_by_number(self, case_no: str) -> CaseRow | None:
        """The row of the case with this number."""
        return await cases.case_by_number(self.conn, case_no)

    async def list_cases(
        self, principal: Principal, search: CaseFilter, cursor: str | None, limit: int
    ) -> list[CaseRow]:
        """One page (and one row more) of the cases the principal may see."""
        return await cases.list_cases(self.conn, principal, search, cursor, limit)

    async def timeline(self, case_id: str) -> list[TimelineEntry]:
        """Other services' events on the case."""
        return await cases.timeline(self.conn, case_id)

    async def published_decision(self, case_id: str) -> PublishedDecision | None:
        """The case's sealed decision document."""
        return await cases.published_decision(self.conn, case_id)

    async def unjudged_online_cases(self) -> list[str]:
        """Online submissions awaiting the window."""
        return await cases.unjudged_online_cases(self.conn)

    async def overdue_promises(self, before: date) -> list[str]:
        """Cases whose 容缺 promise fell due before this day."""
        return await cases.overdue_promises(self.conn, before)

    async def open_clocks(self) -> list[OpenClock]:
        """Open accepted cases' clocks, locked."""
        return await cases.open_clocks(self.conn)

    async def apply_reported(self, event: CaseEvent, calendar: CalendarOf) -> bool:
        """Apply another service's event to the case's row; False when not ours."""
        return await reported.apply_reported(self.conn, event, calendar)

    async def record_reported(self, envelope: Envelope, event: CaseEvent) -> None:
        """Keep another service's event for the history (and its sealed document)."""
        await reported.record_reported(self.conn, envelope, event)


class IntakeViews(CatalogSql, CasesSql):
    """Every intake read model and bookkeeping table, on one connection."""

    async def org_name(self, kind: str, center: str, code: str) -> str | None:
        """The name kept for a center or department, if any."""
        t = org.org_names
        where = and_(t.c.kind == kind, t.c.center == center, t.c.code == code)
        name: str | None = (await self.conn.execute(select(t.c.name).where(where))).scalar()
        return name

    async def store_name(self, *, kind: str, center: str, code: str, name: str) -> None:
        """Keep a center's or department's name."""
        await org.store_name(self.conn, kind=kind, center=center, code=code, name=name)

    async def org_names(self) -> org.Names:
        """Every name intake knows."""
        return await org.names(self.conn)

    async def store_schedule(self, schedule: YearSchedule) -> None:
        """Keep a year's official schedule."""
        await schedules.store_schedule(self.conn, schedule)

    async def remember_answer(self, status: int, body: Any) -> None:
        """The keyed request's answer, in its own transaction (a crash after COMMIT keeps it)."""
        await idempotency.answer(self.conn, status, body)

    async def clear_cases(self) -> None:
        """Empty the `cases` read model."""
        await rebuild.clear_cases(self.conn)

    async def case_streams(self) -> tuple[list[str], dict[str, str]]:
        """The case streams in the order they began, and each case's query code hash."""
        return await rebuild.case_streams(self.conn)

    async def reported_events(self) -> list[CaseEvent]:
        """Other services' case events from the timeline, oldest first."""
        return await rebuild.reported_events(self.conn)

    async def snapshot(self) -> dict[str, tuple[object, ...]]:
        """The `cases` rows a dry run compares."""
        return await rebuild.snapshot(self.conn)

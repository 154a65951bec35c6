"""Supervision's views on one connection: the SQL behind `application/ports.SupervisionViews`.

Built per transaction by the unit of work (`SqlUnitOfWork(..., views=SqlViews.factory(...))`);
each method delegates to the adapter module that owns its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import org
from libs.events.auth import Principal
from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.schedules import store_schedule
from libs.events.store import EventStore
from services.supervision.adapters import (
    acceptance_rows,
    case_list,
    followup_views,
    inbox,
    light_feed,
    light_rows,
    light_views,
    project_case,
    project_own,
    project_views,
    refresh_lights,
    stats_rows,
    track_projects,
)
from services.supervision.adapters.case_batch import CaseBatch
from services.supervision.adapters.ledger_rows import read_history
from services.supervision.adapters.tables import (
    complaints,
    lights,
    notices,
    notifications,
    opinions,
    ratings,
    supervised_cases,
)
from services.supervision.application.ports import (
    CaseSearch,
    LoopPage,
    Notification,
    Received,
    Row,
    SupervisionViews,
    WindowLoops,
)
from services.supervision.config import Settings
from services.supervision.domain.facts import Happened
from services.supervision.domain.light_view import LightView, view
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import CaseRecord, Period

FOLLOW_UPS = {"opinion": opinions, "complaint": complaints, "notice": notices, "rating": ratings}


class SqlViews:
    """`SupervisionViews` in SQL on the transaction's connection."""

    def __init__(self, conn: AsyncConnection, *, store: EventStore, settings: Settings) -> None:
        self.conn = conn
        self.store = store
        self.settings = settings

    @classmethod
    def factory(
        cls, store: EventStore, settings: Settings
    ) -> Callable[[AsyncConnection], SupervisionViews]:
        """The views of each transaction's connection, for `Runtime.unit_of_work`."""
        return lambda conn: cls(conn, store=store, settings=settings)

    # The projection of case events
    async def record_inbox(self, envelopes: Sequence[Envelope], known_at: datetime) -> None:
        """Keep consumed envelopes (the rebuild replays them)."""
        if len(envelopes) == 1:
            await inbox.record(self.conn, envelopes[0], known_at)
        else:
            await inbox.record_many(self.conn, list(envelopes), known_at)

    async def store_schedule(self, schedule: YearSchedule) -> None:
        """A loaded calendar year, in this service's schedules."""
        await store_schedule(self.conn, schedule)

    async def rederive_all(self, calendar: WorkCalendar) -> int:
        """Every open clock's deadline derived again under the calendar."""
        return await project_case.rederive_all(self.conn, calendar)

    async def reschedule_all(self, calendar: WorkCalendar) -> int:
        """Every stored light's next change computed again."""
        days = self.settings.escalate_after_days
        return await refresh_lights.reschedule_all(self.conn, calendar, escalate_after_days=days)

    async def track_project(self, event: ProjectEvent) -> None:
        """A project's or a stage's row updated from its event."""
        await track_projects.track_project_event(self.conn, event)

    async def lock_lights(self, case_id: str) -> None:
        """The case's light rows locked for this transaction."""
        await light_rows.load(self.conn, case_id, lock=True)

    async def histories(self, case_ids: Sequence[str]) -> dict[str, list[Happened]]:
        """Each case's ledger as supervision learned it."""
        return await read_history(self.conn, case_ids)

    async def project_case_event(
        self, received: Received, event: Event, calendar: WorkCalendar
    ) -> Happened | None:
        """Facts, ledger and clocks of one case event."""
        return await project_case.project_case_event(self.conn, received, event, calendar)

    async def refresh_lights(
        self, case_id: str, *, now: datetime, calendar: WorkCalendar
    ) -> list[Event]:
        """The case's light transitions and rungs due by now, appended and applied."""
        return await refresh_lights.refresh_lights(
            self.conn, self.store, self.settings, case_id, now=now, calendar=calendar
        )

    async def cases(self, case_ids: Sequence[str], *, lock: bool) -> CaseBatch:
        """Many cases in memory, their lights locked when asked."""
        return await CaseBatch.load(self.conn, case_ids, lock=lock, settings=self.settings)

    async def save_cases(self, cases: object) -> None:
        """Write what the batch changed and append its light events."""
        assert isinstance(cases, CaseBatch)
        await cases.save(self.conn, self.store)

    async def apply_own(self, event: Event) -> None:
        """One of supervision's own events folded into the projection."""
        await project_own.apply_own(self.conn, event)

    async def due_cases(self, now: datetime, *, exclude: set[str], limit: int) -> list[str]:
        """Cases whose indexed next light change has come, soonest first."""
        query = (
            select(lights.c.case_id)
            .where(lights.c.next_change_at <= now)
            .order_by(lights.c.next_change_at)
            .limit(limit + len(exclude))
        )
        found = dict.fromkeys(r.case_id for r in await self.conn.execute(query))
        return [case_id for case_id in found if case_id not in exclude][:limit]

    async def due_notifications(self, now: datetime, *, limit: int) -> list[Notification]:
        """Queued notifications due by now, oldest first."""
        t = notifications
        query = (
            select(t.c.id, t.c.recipient, t.c.message)
            .where(t.c.sent_at.is_(None), t.c.due_at <= now)
            .order_by(t.c.id)
            .limit(limit)
        )
        return [Notification(r.id, r.recipient, r.message) for r in await self.conn.execute(query)]

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        """Notifications sent, in one statement."""
        t = notifications
        await self.conn.execute(update(t).where(t.c.id.in_(list(ids))).values(sent_at=now))

    # Follow-ups and cases
    async def follow_up(self, kind: str, key: str) -> Row | None:
        """The opinion, complaint, notice or rating with this id."""
        table = FOLLOW_UPS[kind]
        [column] = list(table.primary_key.columns)
        found = await self.conn.execute(select(table).where(column == key))
        row = found.mappings().first()
        return None if row is None else dict(row)

    async def case(self, case_id: str) -> Row | None:
        """The supervised case's row."""
        t = supervised_cases
        found = await self.conn.execute(select(t).where(t.c.case_id == case_id))
        row = found.mappings().first()
        return None if row is None else dict(row)

    async def loops(
        self, kind: str, principal: Principal, page: LoopPage, *, now: datetime, cal: WorkCalendar
    ) -> list[Row]:
        """The visible items of one kind, newest first, each with its light."""
        tree = self.settings.center_tree()
        return await followup_views.list_loops(
            self.conn, kind, tree=tree, principal=principal, page=page, now=now, calendar=cal
        )

    # Read models
    async def names(self) -> org.Names:
        """Center and department names as the organisation named them."""
        return await org.names(self.conn)

    async def light_views(self, case: Row, now: datetime, cal: WorkCalendar) -> list[LightView]:
        """The case's clocks evaluated at now."""
        rows = await light_rows.load(self.conn, case["case_id"])
        return [view(case["case_id"], p, r.clock, case, now, cal) for p, r in rows.items()]

    async def current_lights(
        self, scope: Scope, now: datetime, cal: WorkCalendar, *, open_only: bool
    ) -> list[LightView]:
        """Every visible light evaluated at now from the stored clocks."""
        return await light_views.current_lights(self.conn, scope, now, cal, open_only=open_only)

    async def lights_at(
        self, scope: Scope, at: datetime, cal: WorkCalendar, *, known_by: datetime | None = None
    ) -> list[LightView]:
        """Every visible light as it stood at `at`."""
        return await light_views.lights_at(self.conn, scope, at, cal, known_by=known_by)

    async def case_rows(self, scope: Scope) -> dict[str, Row]:
        """The visible cases by id."""
        return await light_views.case_rows(self.conn, scope)

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
    ) -> list[Row]:
        """One page (and one more row) of the searched visible cases with their lights."""
        query = case_list.visible(principal, scope)
        return await case_list.list_cases(
            self.conn, query, search, cursor=cursor, limit=limit, now=now, cal=cal
        )

    async def records(self, scope: Scope) -> list[CaseRecord]:
        """The statistics records of the visible cases."""
        return await stats_rows.records(self.conn, scope)

    async def window_loops(self, scope: Scope, period: Period) -> WindowLoops:
        """Per window: ratings, open complaints, anomalies."""
        return await stats_rows.window_loops(self.conn, scope, period)

    async def acceptance_due(self, scope: Scope) -> list[Row]:
        """Visible submissions warned of deemed acceptance."""
        return await acceptance_rows.acceptance_due(self.conn, scope)

    async def green_channel(self, scope: Scope) -> list[Row]:
        """Green-channel projects with their stage and its lights."""
        return await project_views.green_channel(self.conn, scope)

    async def series_statistics(self, scope: Scope, series: str | None) -> list[Row]:
        """Per project series: its figures."""
        return await project_views.series_statistics(self.conn, scope, series)

    async def last_position(self) -> int:
        """The store's newest position."""
        return await light_feed.last_position(self.conn)

    async def changes_after(
        self, position: int, scope: Scope
    ) -> tuple[int, list[tuple[int, str, Row]]]:
        """Visible light events after `position`."""
        return await light_feed.changes_after(self.conn, position, scope)

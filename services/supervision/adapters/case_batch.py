"""Many cases in memory for one transaction: their lights (locked), facts and ledger are read
at once, folded event by event exactly as the one-case path does (`project_case_event`, then
`refresh_lights`), and written back at once: a few statements a batch, not ten an event.

The batched consumer, the tick and the rebuild use it; the one-case path stays for the events
that touch every case (a calendar year) and for a batch that failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.fastpath import insert_rows
from libs.events.registry import Event
from libs.events.store import Append, EventStore
from services.supervision.adapters import light_rows
from services.supervision.adapters.light_rows import LightRow
from services.supervision.adapters.project_case import (
    case_values,
    completion_of,
    deadline_columns,
)
from services.supervision.adapters.refresh_lights import (
    evaluate_row,
    label_of,
    light_events,
    notification_rows,
)
from services.supervision.adapters.tables import ledger, notifications, supervised_cases
from services.supervision.application.ports import Received
from services.supervision.config import Settings
from services.supervision.domain.clock import WHOLE, Clocks, fold
from services.supervision.domain.facts import Happened, instant_of
from services.supervision.domain.lights import light_stream
from services.supervision.domain.timeline import describe
from services.supervision.events import WarningIssued

CASE_COLUMNS = [c.name for c in supervised_cases.columns]


@dataclass
class Pending:
    """A case's light events to append, each with the trace of the event that caused it."""

    center: str
    events: list[Event] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)


def _ledger_row(received: Received, happened: Happened, event: s.CaseEvent) -> dict[str, Any]:
    """The `case_ledger` row of a described case event."""
    return {
        "case_id": event.case_id,
        "type": received.type,
        "at": happened.at,
        "known_at": received.known_at,
        "data": event.model_dump(mode="json"),
    }


@dataclass
class CaseBatch:
    """The rows of a set of cases, as the one-case path would leave them event after event."""

    lights: dict[str, dict[str, LightRow]] = field(default_factory=dict)
    stored: set[tuple[str, str]] = field(default_factory=set)  # lights the table has
    dirty: set[tuple[str, str]] = field(default_factory=set)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    cases_stored: set[str] = field(default_factory=set)
    cases_dirty: set[str] = field(default_factory=set)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[str, Pending] = field(default_factory=dict)
    notices: list[dict[str, Any]] = field(default_factory=list)
    settings: Settings | None = None  # what refresh evaluates lights by

    @classmethod
    async def load(
        cls,
        conn: AsyncConnection,
        case_ids: Iterable[str],
        *,
        lock: bool,
        settings: Settings | None = None,
    ) -> CaseBatch:
        """The cases' lights (locked in key order when asked) and facts."""
        ids = sorted(set(case_ids))
        batch = cls(lights=await light_rows.load_many(conn, ids, lock=lock), settings=settings)
        batch.stored = {(c, p) for c, parts in batch.lights.items() for p in parts}
        query = select(supervised_cases).where(supervised_cases.c.case_id.in_(ids))
        batch.cases = {r["case_id"]: dict(r) for r in (await conn.execute(query)).mappings()}
        batch.cases_stored = set(batch.cases)
        return batch

    def project(self, received: Received, event: Event, calendar: WorkCalendar) -> Happened | None:
        """`project_case_event` in memory: facts, ledger and clocks; None for events of no case."""
        if not isinstance(event, s.CaseEvent) or isinstance(event, s.LightChanged):
            return None
        happened = Happened(event, instant_of(event, received.time))
        rows = self.lights.setdefault(event.case_id, {})
        before = {part: row.clock for part, row in rows.items()}
        after = fold(before, event, calendar)
        if after != before:
            self._set_clocks(event, before, after)
        current = self.cases.get(event.case_id)
        values = case_values(
            current, received, happened, completion_of(event, after), deadline_columns(after)
        )
        if current is None:
            current = dict.fromkeys(CASE_COLUMNS) | {
                "case_id": event.case_id,
                "center": event.center,
            }
        self.cases[event.case_id] = current | values
        self.cases_dirty.add(event.case_id)
        if describe(event) is not None:
            self.ledger.append(_ledger_row(received, happened, event))
        return happened

    def _set_clocks(self, event: s.CaseEvent, before: Clocks, after: Clocks) -> None:
        rows = self.lights[event.case_id]
        for part in sorted(after):
            clock = after[part]
            if before.get(part) == clock:
                continue
            row = rows.get(part) or LightRow(
                event.case_id, part, event.center, clock, None, None, frozenset(), None
            )
            self._put(light_rows.with_clock(row, clock, row.color_since, row.next_change_at))

    def refresh(
        self, case_id: str, *, now: datetime, calendar: WorkCalendar, trace: str
    ) -> list[Event]:
        """`refresh_lights` in memory; the events it appends carry `trace`."""
        rows = self.lights.get(case_id) or {}
        if not rows:
            return []
        settings = self.settings
        assert settings is not None, "load the batch with the settings to refresh its lights"
        found = {part: evaluate_row(settings, rows[part], now, calendar) for part in sorted(rows)}
        new: list[Event] = []
        for part, evaluation in found.items():
            new += light_events(settings, rows[part], evaluation, now, calendar)
        if new:
            first = rows.get(WHOLE) or rows[min(rows)]
            pending = self.pending.setdefault(case_id, Pending(first.center))
            pending.events += new
            pending.traces += [trace] * len(new)
            warnings = [e for e in new if isinstance(e, WarningIssued)]
            case = self.cases.get(case_id) or {}
            label = label_of(case_id, case.get("case_no"), case.get("item_name"))
            self.notices += notification_rows(warnings, first.clock.deadline, now, calendar, label)
            for event in new:
                self._apply_own(case_id, event)
        for part, evaluation in found.items():
            if evaluation.next_change_at != rows[part].next_change_at:
                self._put(replace(rows[part], next_change_at=evaluation.next_change_at))
        return new

    def _apply_own(self, case_id: str, event: Event) -> None:
        """What `apply_own` does to the lights for a light event."""
        rows = self.lights[case_id]
        if isinstance(event, s.LightChanged):
            self._put(replace(rows[event.part], color=event.color, color_since=event.at))
        elif isinstance(event, WarningIssued):
            self._put(replace(rows[WHOLE], fired=rows[WHOLE].fired | {event.rung}))

    def _put(self, row: LightRow) -> None:
        """Keep a changed light as the table would hand it back, to be written."""
        self.lights[row.case_id][row.part] = light_rows.as_stored(row)
        self.dirty.add((row.case_id, row.part))

    async def save(self, conn: AsyncConnection, store: EventStore) -> None:
        """Write every changed row, append the light events and queue their notifications."""
        keys = sorted(self.dirty)
        await light_rows.write_many(
            conn,
            [self.lights[c][p] for c, p in keys if (c, p) not in self.stored],
            [self.lights[c][p] for c, p in keys if (c, p) in self.stored],
        )
        await self._save_cases(conn)
        await insert_rows(conn, ledger, self.ledger)
        if self.pending:
            streams = {light_stream(case_id): p for case_id, p in sorted(self.pending.items())}
            versions = await store.versions(conn, list(streams))
            appends = [
                Append(st, versions.get(st, 0), p.events, center=p.center, traceparents=p.traces)
                for st, p in streams.items()
            ]
            await store.append_many(conn, appends)
        await insert_rows(conn, notifications, self.notices)
        self.stored |= set(keys)
        self.dirty, self.cases_dirty, self.pending = set(), set(), {}
        self.ledger, self.notices = [], []

    async def _save_cases(self, conn: AsyncConnection) -> None:
        ids = sorted(self.cases_dirty)
        await insert_rows(
            conn, supervised_cases, [self.cases[c] for c in ids if c not in self.cases_stored]
        )
        changed = [
            {"b_case_id": c, **{k: v for k, v in self.cases[c].items() if k != "case_id"}}
            for c in ids
            if c in self.cases_stored
        ]
        if changed:
            where = supervised_cases.c.case_id == bindparam("b_case_id")
            await conn.execute(update(supervised_cases).where(where), changed)
        self.cases_stored |= set(ids)

"""Supervision's views in memory, for handler tests through `bootstrap(uow=FakeUnitOfWork(...))`.

The follow-up rows are folded from the own events the handlers append, as the SQL projection
folds them (adapters/project_own.py); the cases are what a test puts in `cases`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from libs.events import contract as s
from libs.events.calendar import WorkCalendar, YearSchedule
from libs.events.contract.projects import ProjectEvent
from libs.events.envelope import Envelope
from libs.events.org import Names
from libs.events.registry import Event
from services.supervision.application.ports import Notification, Received
from services.supervision.domain.facts import Happened, instant_of
from services.supervision.domain.followups import is_bad
from services.supervision.events import (
    CaseRated,
    RatingAnswered,
    RatingAppealDecided,
    RatingAppealed,
    RectificationNoticeAnswered,
    RectificationNoticeIssued,
)

Row = dict[str, Any]


class FakeSupervisionViews:
    """The parts of `SupervisionViews` the command handlers and the tick use, in dicts."""

    def __init__(self) -> None:
        self.follow_ups: dict[str, dict[str, Row]] = {
            "opinion": {},
            "complaint": {},
            "notice": {},
            "rating": {},
            "anomaly": {},
        }
        self.cases: dict[str, Row] = {}
        self.applied: list[Event] = []
        self.notifications: list[tuple[Notification, datetime]] = []  # (queued, due at)
        self.sent: dict[int, datetime] = {}
        self.inbox: list[Envelope] = []
        self.ledgers: dict[str, list[Happened]] = {}
        self.locked: list[str] = []
        self.refreshed: list[str] = []
        self.projects: list[ProjectEvent] = []
        self.schedules: list[YearSchedule] = []
        self.derived: list[str] = []  # "rederive", "reschedule", in the order they ran

    def completed_case(self, case_id: str, *, applicant: str, **values: Any) -> Row:
        """Put a decided case into the projection."""
        row = {
            "case_id": case_id,
            "center": "350500",
            "department": "SCJG",
            "status": "decided",
            "decision": "approved",
            "completed_at": datetime(2026, 9, 10, 2, 0, tzinfo=UTC),
            "applicant_id": applicant,
            "submitted_by": "clerk-1",
            **values,
        }
        self.cases[case_id] = row
        return row

    async def follow_up(self, kind: str, key: str) -> Row | None:
        row = self.follow_ups[kind].get(key)
        return None if row is None else dict(row)

    async def case(self, case_id: str) -> Row | None:
        row = self.cases.get(case_id)
        return None if row is None else dict(row)

    async def names(self) -> Names:
        return Names({}, {})

    async def apply_own(self, event: Event) -> None:
        self.applied.append(event)
        data = event.model_dump()
        match event:
            case s.OpinionIssued():
                self._put("opinion", event.opinion_id, {**data, "status": "open"})
            case s.OpinionAnswered():
                self._set("opinion", event.opinion_id, {**data, "status": "answered"})
            case s.ComplaintFiled():
                self._put("complaint", event.complaint_id, {**data, "status": "open"})
            case s.ComplaintResolved():
                self._set("complaint", event.complaint_id, {**data, "status": "resolved"})
            case RectificationNoticeIssued():
                self._put("notice", event.notice_id, {**data, "status": "open"})
            case RectificationNoticeAnswered():
                self._set("notice", event.notice_id, {**data, "status": "answered"})
            case CaseRated():
                status = "awaiting_answer" if is_bad(event.score) else "closed"
                self._put(
                    "rating", event.rating_id, {**data, "status": status, "appealed_at": None}
                )
            case RatingAnswered():
                self._set("rating", event.rating_id, {**data, "status": "answered"})
            case RatingAppealed():
                values = {"status": "appealed", "appeal": event.reason}
                self._set("rating", event.rating_id, {**values, "appealed_at": event.appealed_at})
            case RatingAppealDecided():
                self._decided(event)
            case s.AnomalyDetected():
                self._put("anomaly", event.anomaly_id, data)

    def _decided(self, e: RatingAppealDecided) -> None:
        values: Row = {
            "appeal_upheld": e.upheld,
            "appeal_note": e.note,
            "appeal_decided_at": e.decided_at,
            "status": "awaiting_answer" if e.upheld else "closed",
        }
        if e.upheld:
            values["answer_by"] = e.answer_by
        self._set("rating", e.rating_id, values)

    def _put(self, kind: str, key: str, row: Row) -> None:
        self.follow_ups[kind][key] = row

    def _set(self, kind: str, key: str, values: Row) -> None:
        self.follow_ups[kind][key] = {**self.follow_ups[kind][key], **values}

    # The consumer: the ledger of each case, its lights left to the integration tests
    async def record_inbox(self, envelopes: Sequence[Envelope], known_at: datetime) -> None:
        self.inbox += envelopes

    async def lock_lights(self, case_id: str) -> None:
        self.locked.append(case_id)

    async def histories(self, case_ids: Sequence[str]) -> dict[str, list[Happened]]:
        return {case_id: list(self.ledgers.get(case_id, [])) for case_id in case_ids}

    async def project_case_event(
        self, received: Received, event: Event, calendar: WorkCalendar
    ) -> Happened | None:
        if not isinstance(event, s.CaseEvent):
            return None
        happened = Happened(event, instant_of(event, received.time))
        self.ledgers.setdefault(event.case_id, []).append(happened)
        return happened

    async def refresh_lights(
        self, case_id: str, *, now: datetime, calendar: WorkCalendar
    ) -> list[Event]:
        self.refreshed.append(case_id)
        return []

    async def store_schedule(self, schedule: YearSchedule) -> None:
        self.schedules.append(schedule)

    async def rederive_all(self, calendar: WorkCalendar) -> int:
        self.derived.append("rederive")
        return 0

    async def reschedule_all(self, calendar: WorkCalendar) -> int:
        self.derived.append("reschedule")
        return 0

    async def track_project(self, event: ProjectEvent) -> None:
        self.projects.append(event)

    # The tick: no light is due in memory; queued notifications are
    async def due_cases(self, now: datetime, *, exclude: set[str], limit: int) -> list[str]:
        return []

    async def due_notifications(self, now: datetime, *, limit: int) -> list[Notification]:
        due = [n for n, at in self.notifications if at <= now and n.id not in self.sent]
        return due[:limit]

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        self.sent.update(dict.fromkeys(ids, now))


class RecordingNotifier:
    """Keeps what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, recipient: str, message: str) -> None:
        self.sent.append((recipient, message))

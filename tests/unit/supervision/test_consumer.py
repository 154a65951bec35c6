"""The case-events consumer's use case through `bootstrap()` with the fake unit of work: each
event kept in the inbox and projected; an anomaly recorded once per case and rule."""

from __future__ import annotations

from datetime import date, datetime

from libs.events import contract as s
from libs.events.clock import FixedClock
from libs.events.envelope import Envelope, source_of
from libs.events.registry import Event
from services.supervision.application.supervise_case_event import supervise_case_event
from services.supervision.bootstrap import App, bootstrap
from services.supervision.config import Settings
from tests.support.fakes import FakeUnitOfWork
from tests.unit.supervision.fakes import FakeSupervisionViews
from tests.unit.supervision.given import CAL, bj, decided, submitted

NOW = bj(2026, 9, 18, 11)


def envelope(event: Event, sequence: int, at: datetime) -> Envelope:
    case_id = getattr(event, "case_id", "calendar")
    return Envelope(
        type=event.TYPE,
        source=source_of("350500", "intake"),
        subject=case_id,
        time=at,
        center="350500",
        sequence=sequence,
        data=event.model_dump(mode="json"),
    )


async def consume(app: App, event: Event, sequence: int, at: datetime) -> None:
    async with app.uow.begin() as tx:
        await supervise_case_event(
            tx, envelope(event, sequence, at), event, clock=app.clock, settings=app.settings
        )


def setup() -> tuple[App, FakeUnitOfWork[FakeSupervisionViews]]:
    uow = FakeUnitOfWork(FakeSupervisionViews(), calendar=CAL)
    settings = Settings(database_url="sqlite://", center_code="350500")
    return bootstrap(settings, clock=FixedClock(NOW), uow=uow), uow


async def test_a_decision_without_acceptance_is_an_anomaly_recorded_once() -> None:
    app, uow = setup()
    t = bj(2026, 9, 16, 10)
    await consume(app, submitted("c1", t), 1, t)
    assert uow.new_events() == [] and uow.views.refreshed == ["c1"]
    await consume(app, decided("c1", bj(2026, 9, 18)), 2, NOW)
    [found] = uow.new_events()
    assert isinstance(found, s.AnomalyDetected)
    assert (found.rule, found.case_id, found.detected_at) == (
        "DecisionWithoutAcceptance",
        "c1",
        NOW,
    )
    assert found.evidence["department"] == "SCJG"
    assert [p.stream_id for p in uow.published] == ["anomaly-c1-DecisionWithoutAcceptance"]
    assert uow.views.follow_ups["anomaly"]["c1:DecisionWithoutAcceptance"]["rule"] == found.rule
    await consume(app, decided("c1", bj(2026, 9, 18, 12)), 3, NOW)  # a second decision
    assert uow.new_events() == []  # the rule is found once per case
    assert [e.sequence for e in uow.views.inbox] == [1, 2, 3] and uow.views.locked == ["c1"] * 3


async def test_a_calendar_year_is_stored_then_every_clock_derived_and_rescheduled() -> None:
    app, uow = setup()
    year = s.CalendarYearLoaded(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    await consume(app, year, 1, NOW)
    [schedule] = uow.views.schedules
    assert (schedule.year, schedule.holidays) == (2027, [date(2027, 1, 1)])
    assert uow.views.derived == ["rederive", "reschedule"]
    assert uow.views.locked == [] and uow.views.refreshed == [] and uow.new_events() == []

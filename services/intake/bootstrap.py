"""The composition root: the one place that wires intake's adapters (tests pass fakes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import Clock, SystemClock
from libs.events.envelope import source_of
from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from libs.events.uow import SqlUnitOfWork, UnitOfWork
from services.intake.adapters.ratelimit import LookupGuard
from services.intake.adapters.receipt import render_receipt
from services.intake.adapters.views import IntakeViews as SqlViews
from services.intake.application.jobs import accept_unjudged_submissions, return_overdue_promises
from services.intake.application.ports import IntakeViews
from services.intake.application.print_receipt import Render
from services.intake.config import Settings
from services.intake.consumers.case_events import tracking

SERVICE = "intake"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class App:
    """Intake wired: settings, clock, the unit of work and the adapters its handlers use."""

    settings: Settings
    clock: Clock
    uow: UnitOfWork[IntakeViews]
    runtime: Runtime | None  # None with a fake unit of work: nothing to start, no I/O
    lookups: LookupGuard  # failed public look-ups, against guessing query codes
    render_receipt: Render  # the acceptance receipt's PDF

    @property
    def source(self) -> str:
        """The CloudEvents source of intake's own events."""
        return source_of(self.settings.center_code, SERVICE)


def views(conn: AsyncConnection) -> IntakeViews:
    """Intake's SQL views on one connection."""
    return SqlViews(conn)


def _sql_uow(runtime: Runtime) -> SqlUnitOfWork[IntakeViews]:
    return runtime.unit_of_work(views)


def subscriptions(runtime: Runtime) -> list[Subscription]:
    """The consumer of `case-events`, over the runtime's unit of work."""
    own = source_of(runtime.settings.center_code, SERVICE)
    track = tracking(_sql_uow(runtime), own_source=own, clock=runtime.clock)
    return [Subscription("cases", [CASE_EVENTS], track)]


def _settings(runtime: Runtime) -> Settings:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return settings


async def returning_overdue_promises(runtime: Runtime) -> None:
    """退件 of overdue promises every OVERDUE_CHECK_SECONDS, on the runtime's database."""
    seconds = _settings(runtime).overdue_check_seconds
    await return_overdue_promises(uow=_sql_uow(runtime), clock=runtime.clock, seconds=seconds)


async def judging_unjudged_submissions(runtime: Runtime) -> None:
    """The art. 32 pass every JUDGEMENT_CHECK_SECONDS, on the runtime's database."""
    seconds = _settings(runtime).judgement_check_seconds
    await accept_unjudged_submissions(uow=_sql_uow(runtime), clock=runtime.clock, seconds=seconds)


def runtime_for(settings: Settings, clock: Clock) -> Runtime:
    """The process's runtime: database, relay, the consumer and the background jobs."""
    return Runtime(
        service=SERVICE,
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=subscriptions,
        background=[returning_overdue_promises, judging_unjudged_submissions],
        clock=clock,
    )


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    uow: UnitOfWork[IntakeViews] | None = None,
    lookups: LookupGuard | None = None,
    receipts: Render | None = None,
) -> App:
    """Intake for these settings; with `uow` (a fake) no runtime is built and nothing starts."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    runtime = None
    if uow is None:
        runtime = runtime_for(settings, clock)
        uow = _sql_uow(runtime)
    guard = lookups or LookupGuard(
        per_case=settings.lookup_failures_allowed,
        per_client=settings.lookup_failures_per_client,
        window=timedelta(seconds=settings.lookup_window_seconds),
        clock=clock,
    )
    return App(
        settings=settings,
        clock=clock,
        uow=uow,
        runtime=runtime,
        lookups=guard,
        render_receipt=receipts or render_receipt,
    )

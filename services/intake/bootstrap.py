"""Wires the intake service: its runtime, clock, consumer and background job."""

from __future__ import annotations

from pathlib import Path

from libs.events.clock import Clock
from libs.events.envelope import source_of
from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from services.intake.application.deem_accepted import judging_every
from services.intake.application.return_overdue import every
from services.intake.config import Settings
from services.intake.consumers.case_events import tracking

SERVICE = "intake"
MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Runtime:
    """The intake runtime; tests pass their own settings and a FixedClock."""
    settings = settings or Settings()
    wired: list[Runtime] = []  # the consumer appends through the runtime built below
    track = tracking(source_of(settings.center_code, SERVICE), lambda: wired[0])
    runtime = Runtime(
        service=SERVICE,
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=[Subscription("cases", [CASE_EVENTS], track)],
        background=[
            every(settings.overdue_check_seconds),
            judging_every(settings.judgement_check_seconds),
        ],
        clock=clock,
    )
    wired.append(runtime)
    return runtime

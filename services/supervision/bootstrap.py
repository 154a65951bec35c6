"""Wires the supervision service: the only place that picks concrete adapters."""

from __future__ import annotations

from pathlib import Path

from libs.events.clock import Clock, SystemClock
from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from services.supervision.adapters.light_metrics import lights_by_color
from services.supervision.adapters.notifier import LogNotifier, Notifier
from services.supervision.application.context import Supervision
from services.supervision.application.tick import ticker
from services.supervision.config import Settings
from services.supervision.consumers.case_events import (
    case_events_batch_handler,
    case_events_handler,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
) -> Supervision:
    """The supervision context with its runtime: database, case-events consumer, clock tick."""
    settings = settings or Settings()
    sv = Supervision(settings, clock or SystemClock(), notifier or LogNotifier())
    runtime = Runtime(
        service="supervision",
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=[
            Subscription(
                "cases", [CASE_EVENTS], case_events_handler(sv), case_events_batch_handler(sv)
            )
        ],
        background=[ticker(sv)],
        clock=sv.clock,
        samplers=[lights_by_color],
    )
    sv.attach(runtime)
    return sv

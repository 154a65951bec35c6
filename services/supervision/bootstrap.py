"""Wires the supervision service: the only place that picks concrete adapters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from libs.events.clock import Clock, SystemClock
from libs.events.runtime import Runtime
from libs.events.uow import UnitOfWork
from services.supervision.adapters.light_metrics import lights_by_color
from services.supervision.adapters.notifier import LogNotifier, Notifier
from services.supervision.adapters.views import SqlViews
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.tick import ticker
from services.supervision.config import Settings
from services.supervision.consumers.case_events import case_events
from services.supervision.domain.scope import CenterTree

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class App:
    """The supervision service as its routes, consumer, jobs and tests use it."""

    settings: Settings
    clock: Clock
    uow: UnitOfWork[SupervisionViews]
    runtime: Runtime | None  # None when bootstrapped with a fake unit of work: no I/O at all
    notifier: Notifier

    @property
    def tree(self) -> CenterTree:
        """The configured center hierarchy."""
        return self.settings.center_tree()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    uow: UnitOfWork[SupervisionViews] | None = None,
    notifier: Notifier | None = None,
) -> App:
    """The supervision service: with `uow` (tests) nothing else; else its runtime (database,
    relay, the case-events consumer and the clock tick) and the unit of work on its engine."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    notifier = notifier or LogNotifier()
    if uow is not None:
        return App(settings, clock, uow, None, notifier)
    runtime = Runtime(
        service="supervision",
        settings=settings,
        migrations=MIGRATIONS,
        clock=clock,
        samplers=[lights_by_color],
    )
    sql = runtime.unit_of_work(SqlViews.factory(runtime.store, settings))
    app = App(settings, clock, sql, runtime, notifier)
    # The consumer and the tick work through the app's unit of work, which needs the runtime's
    # engine: they are given to the runtime here, before anything starts.
    runtime.subscriptions.insert(0, case_events(app, sql))
    runtime.background = [ticker(app)]
    return app

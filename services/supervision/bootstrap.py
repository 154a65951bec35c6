"""Wires the supervision service: the only place that picks concrete adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from libs.events.clock import Clock, SystemClock
from libs.events.runtime import Runtime, Subscription
from libs.events.uow import UnitOfWork
from services.supervision.adapters.light_metrics import lights_by_color
from services.supervision.adapters.notifier import LogNotifier, Notifier
from services.supervision.adapters.views import SqlViews
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.tick import tick_forever
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


def views_on(runtime: Runtime, settings: Settings) -> UnitOfWork[SupervisionViews]:
    """The unit of work on this runtime's engine and store, with supervision's SQL views."""
    return runtime.unit_of_work(SqlViews.factory(runtime.store, settings))


@dataclass(frozen=True)
class Work:
    """What the runtime runs besides the API: the `cases` consumer and the clock tick, each on
    the unit of work of the runtime that runs it."""

    settings: Settings
    clock: Clock
    notifier: Notifier

    def subscriptions(self, runtime: Runtime) -> Sequence[Subscription]:
        """The `cases` consumer, in the transaction the consumer records its positions in."""
        uow = runtime.unit_of_work(SqlViews.factory(runtime.store, self.settings))
        return [case_events(self, uow)]

    async def tick_lights(self, runtime: Runtime) -> None:
        """A tick every `tick_interval_seconds`, until the runtime stops."""
        app = App(
            self.settings, self.clock, views_on(runtime, self.settings), runtime, self.notifier
        )
        await tick_forever(app)


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
    work = Work(settings, clock, notifier)
    runtime = Runtime(
        service="supervision",
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=work.subscriptions,
        background=[work.tick_lights],
        clock=clock,
        samplers=[lights_by_color],
    )
    return App(settings, clock, views_on(runtime, settings), runtime, notifier)

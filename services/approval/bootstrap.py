"""Wires the approval service: the only place that picks concrete adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from libs.events.clock import Clock, SystemClock
from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from services.approval.adapters.decision_seals import DecisionSeals
from services.approval.adapters.notifier import HttpGateway, LocalSink
from services.approval.adapters.views import SqlApprovalViews
from services.approval.application.deem_overdue import deem_overdue_forever
from services.approval.application.deliver_notices import deliver_forever
from services.approval.application.ports import ApprovalUnit, Notifier
from services.approval.config import Settings
from services.approval.consumers.case_events import CaseEvents

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class App:
    """The approval service as wired: its settings, clock, unit of work and adapters;
    `runtime` (database, relay, consumers, jobs) is None with a fake unit of work."""

    settings: Settings
    clock: Clock
    uow: ApprovalUnit
    runtime: Runtime | None
    seals: DecisionSeals
    notifier: Notifier


@dataclass(frozen=True)
class Work:
    """What the runtime runs besides the API: the `cases` consumer and the background jobs,
    each on the unit of work of the runtime that runs it."""

    settings: Settings
    clock: Clock
    seals: DecisionSeals
    notifier: Notifier

    def subscriptions(self, runtime: Runtime) -> Sequence[Subscription]:
        """The `cases` consumer, in the transaction the consumer records its positions in."""
        uow = runtime.unit_of_work(SqlApprovalViews)
        handle = uow.handler(CaseEvents(self.settings, self.clock))
        return [Subscription("cases", [CASE_EVENTS], handle)]

    async def deem_overdue_cases(self, runtime: Runtime) -> None:
        """超时默许 and the documents left to seal, every `deemed_scan_seconds`."""
        uow = runtime.unit_of_work(SqlApprovalViews)
        s, c = self.settings, self.clock
        await deem_overdue_forever(uow=uow, clock=c, settings=s, seals=self.seals)

    async def deliver_notices(self, runtime: Runtime) -> None:
        """送达: the queued notices, every `delivery_poll_seconds`."""
        uow = runtime.unit_of_work(SqlApprovalViews)
        s, c = self.settings, self.clock
        await deliver_forever(uow=uow, clock=c, settings=s, notifier=self.notifier)


def make_notifier(settings: Settings) -> Notifier:
    """The HTTP gateway when configured, else the local sink."""
    if settings.notifier == "http":
        if not settings.notify_gateway_url:
            raise ValueError("NOTIFIER=http needs NOTIFY_GATEWAY_URL")
        return HttpGateway(settings.notify_gateway_url, token=settings.notify_gateway_token)
    return LocalSink(Path(settings.notify_sink_file) if settings.notify_sink_file else None)


def make_seals(settings: Settings) -> DecisionSeals:
    """Configured department keys, the key directory, and dev generation when allowed."""
    directory = Path(settings.seal_keys_dir) if settings.seal_keys_dir else None
    return DecisionSeals(
        configured=settings.seal_keys,
        directory=directory,
        generate=settings.seal_generate_keys,
        published=settings.seal_public_keys,
    )


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    uow: ApprovalUnit | None = None,
    notifier: Notifier | None = None,
    seals: DecisionSeals | None = None,
) -> App:
    """The approval service; with `uow` given (tests), no runtime: no database, no broker."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    seals = seals or make_seals(settings)
    notifier = notifier or make_notifier(settings)
    if uow is not None:
        return App(settings, clock, uow, None, seals, notifier)
    work = Work(settings, clock, seals, notifier)
    runtime = Runtime(
        service="approval",
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=work.subscriptions,
        background=[work.deem_overdue_cases, work.deliver_notices],
        clock=clock,
    )
    return App(settings, clock, runtime.unit_of_work(SqlApprovalViews), runtime, seals, notifier)

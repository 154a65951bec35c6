"""Wires the approval service: the only place that picks concrete adapters."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import Clock
from libs.events.envelope import Envelope
from libs.events.kafka import CASE_EVENTS
from libs.events.registry import Event
from libs.events.runtime import Runtime, Subscription
from services.approval.adapters.notifier import HttpGateway, LocalSink, Notifier
from services.approval.adapters.seals import SealKeys
from services.approval.application.context import Context
from services.approval.application.deem_overdue import deem_overdue_forever
from services.approval.application.deliver_notices import deliver_forever
from services.approval.config import Settings
from services.approval.consumers.case_events import when_case_event


def make_notifier(settings: Settings) -> Notifier:
    """The HTTP gateway when configured, else the local sink."""
    if settings.notifier == "http":
        if not settings.notify_gateway_url:
            raise ValueError("NOTIFIER=http needs NOTIFY_GATEWAY_URL")
        return HttpGateway(settings.notify_gateway_url, token=settings.notify_gateway_token)
    return LocalSink(Path(settings.notify_sink_file) if settings.notify_sink_file else None)


def make_seals(settings: Settings) -> SealKeys:
    """Configured department keys, the key directory, and dev generation when allowed."""
    directory = Path(settings.seal_keys_dir) if settings.seal_keys_dir else None
    return SealKeys(
        configured=settings.seal_keys,
        directory=directory,
        generate=settings.seal_generate_keys,
        published=settings.seal_public_keys,
    )


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
    seals: SealKeys | None = None,
) -> Context:
    """The approval context: runtime with its consumer and background jobs, seals, notifier."""
    settings = settings or Settings()
    wired: list[Context] = []  # the jobs and the consumer need the context built below

    async def deem_overdue_cases(_: Runtime) -> None:
        await deem_overdue_forever(wired[0])

    async def deliver_notices(_: Runtime) -> None:
        await deliver_forever(wired[0])

    async def on_case_event(conn: AsyncConnection, env: Envelope, event: Event) -> None:
        await when_case_event(conn, wired[0], env, event)

    runtime = Runtime(
        service="approval",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[Subscription("cases", [CASE_EVENTS], on_case_event)],
        background=[deem_overdue_cases, deliver_notices],
        clock=clock,
    )
    wired.append(
        Context(
            runtime=runtime,
            settings=settings,
            seals=seals or make_seals(settings),
            notifier=notifier or make_notifier(settings),
        )
    )
    return wired[0]

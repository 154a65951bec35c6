"""Wires the linkage service: the only place that picks concrete adapters."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.clock import Clock
from libs.events.envelope import Envelope
from libs.events.kafka import CASE_EVENTS
from libs.events.registry import Event, Passthrough, registry
from libs.events.runtime import Runtime, Subscription
from services.linkage.adapters.keys import LinkKeys, signing_key
from services.linkage.application.context import Linkage
from services.linkage.application.run_links import run_links
from services.linkage.application.subscriptions.dispatch import dispatcher
from services.linkage.application.subscriptions.retention import pruner
from services.linkage.application.watch_links import watch_links_forever
from services.linkage.config import Settings
from services.linkage.consumers.case_feed import when_case_event
from services.linkage.consumers.webhook_events import when_case_event_queue_deliveries


def make_keys(settings: Settings) -> LinkKeys:
    """This center's link signing key and the configured public keys of the others."""
    file = Path(settings.link_signing_key_file) if settings.link_signing_key_file else None
    private = signing_key(settings.link_signing_key, file, generate=settings.link_generate_key)
    return LinkKeys(center=settings.center_code, private=private, public=settings.link_public_keys)


def bootstrap(
    settings: Settings | None = None, *, keys: LinkKeys | None = None, clock: Clock | None = None
) -> Linkage:
    """The linkage context: the local case feed, the links, their watch, and the integrators'
    webhook deliveries."""
    settings = settings or Settings()
    wired: list[Linkage] = []  # the jobs and the consumer need the context built below

    async def on_local_event(conn: AsyncConnection, env: Envelope, event: Event) -> None:
        await when_case_event(conn, wired[0], env, event)

    async def links(_: Runtime) -> None:
        await run_links(wired[0])

    async def watch(_: Runtime) -> None:
        await watch_links_forever(wired[0])

    runtime = Runtime(
        service="linkage",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[
            Subscription("links", [CASE_EVENTS], on_local_event),
            # Integrators receive every record of the topic, a service's own types included.
            Subscription(
                "webhooks",
                [CASE_EVENTS],
                when_case_event_queue_deliveries,
                types=Passthrough(registry),
            ),
        ],
        background=[links, watch, dispatcher(settings), pruner(settings)],
        clock=clock,
    )
    wired.append(Linkage(runtime=runtime, settings=settings, keys=keys or make_keys(settings)))
    return wired[0]

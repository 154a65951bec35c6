"""Wires the linkage service: the only place that picks concrete adapters."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.events.applier import Applier
from libs.events.clock import Clock, SystemClock
from libs.events.kafka import CASE_EVENTS
from libs.events.registry import Passthrough, registry
from libs.events.runtime import Runtime, Subscription
from libs.events.uow import SqlUnitOfWork, UnitOfWork
from services.linkage.adapters.dispatch import run_dispatcher
from services.linkage.adapters.keys import LinkKeys, signing_key
from services.linkage.adapters.links import link_handlers, run_links
from services.linkage.adapters.views import SqlLinkageViews
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.application.subscriptions.retention import prune_forever
from services.linkage.application.watch_links import watch_links_forever
from services.linkage.config import Settings
from services.linkage.consumers.case_feed import when_case_event
from services.linkage.consumers.webhook_events import when_case_event_queue_deliveries
from services.linkage.domain.events import link_types

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class App:
    """The linkage service as wired: settings, clock, unit of work, runtime, link keys."""

    settings: Settings
    clock: Clock
    uow: UnitOfWork[LinkageViews]
    runtime: Runtime | None  # None when bootstrapped with a fake unit of work
    keys: LinkKeys

    @property
    def node(self) -> Node:
        """This node's center, parent, topics and keys, for the link handlers."""
        return Node(self.settings, self.keys)


def make_keys(settings: Settings) -> LinkKeys:
    """This center's link signing key and the configured public keys of the others."""
    file = Path(settings.link_signing_key_file) if settings.link_signing_key_file else None
    private = signing_key(settings.link_signing_key, file, generate=settings.link_generate_key)
    return LinkKeys(center=settings.center_code, private=private, public=settings.link_public_keys)


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    uow: UnitOfWork[LinkageViews] | None = None,
    keys: LinkKeys | None = None,
) -> App:
    """The linkage service: the local case feed, the links, their watch, and the integrators'
    webhook deliveries. Given a unit of work (tests), nothing is started and no file is read:
    without `keys`, a fresh link key is made in memory."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    if uow is not None:
        private = Ed25519PrivateKey.generate()
        keys = keys or LinkKeys(center=settings.center_code, private=private, public={})
        return App(settings=settings, clock=clock, uow=uow, runtime=None, keys=keys)
    wiring = Wiring(Node(settings, keys or make_keys(settings)), clock)
    runtime = Runtime(
        service="linkage",
        settings=settings,
        migrations=MIGRATIONS,
        subscriptions=wiring.subscriptions,
        background=[wiring.links, wiring.watch, wiring.dispatch, wiring.prune],
        clock=clock,
    )
    return App(
        settings=settings,
        clock=clock,
        uow=wiring.uow(runtime),
        runtime=runtime,
        keys=wiring.node.keys,
    )


@dataclass(frozen=True)
class Wiring:
    """The consumers and background jobs, each over the runtime's unit of work."""

    node: Node
    clock: Clock

    def uow(self, runtime: Runtime) -> SqlUnitOfWork[SqlLinkageViews]:
        """Linkage's unit of work on the runtime's database."""
        return runtime.unit_of_work(SqlLinkageViews)

    def subscriptions(self, runtime: Runtime) -> list[Subscription]:
        """The case feed crossing the links, and the case events queued for webhooks."""
        uow = self.uow(runtime)
        feed = uow.handler(functools.partial(when_case_event, node=self.node))
        webhooks = uow.handler(when_case_event_queue_deliveries)
        return [
            Subscription("links", [CASE_EVENTS], feed),
            # Integrators receive every record of the topic, a service's own types included.
            Subscription("webhooks", [CASE_EVENTS], webhooks, types=Passthrough(registry)),
        ]

    async def links(self, runtime: Runtime) -> None:
        """The link consumers, the upstream relay and the heartbeat."""
        await run_links(runtime, uow=self.uow(runtime), node=self.node)

    async def watch(self, runtime: Runtime) -> None:
        """The link gauges and the down alert."""
        await watch_links_forever(uow=self.uow(runtime), node=self.node)

    async def dispatch(self, runtime: Runtime) -> None:
        """The webhook workers of the subscriptions this process leases."""
        await run_dispatcher(uow=self.uow(runtime), clock=self.clock, settings=self.node.settings)

    async def prune(self, runtime: Runtime) -> None:
        """Retention of settled deliveries and kept events."""
        s = self.node.settings
        retention = timedelta(days=s.webhook_retention_days)
        await prune_forever(
            uow=self.uow(runtime),
            clock=self.clock,
            retention=retention,
            every_s=s.webhook_prune_interval_s,
        )


def link_appliers(app: App) -> dict[str, Applier]:
    """The link consumers' appliers by name (started by the links job, named as there), for
    replaying what their gate let through and then parked, by the same handlers."""
    assert app.runtime is not None
    runtime = app.runtime
    handlers = link_handlers(runtime.unit_of_work(SqlLinkageViews), app.node)
    return {
        name: Applier(name=name, engine=runtime.engine, handle=handle, types=link_types)
        for name, handle in handlers.items()
    }

"""The intake service's ASGI app."""

from __future__ import annotations

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.webapp import create_app
from services.intake.api import catalog, org, public, routes
from services.intake.bootstrap import bootstrap
from services.intake.config import Settings


def create(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app for these settings (tests pass their own, and a FixedClock)."""
    intake = bootstrap(settings, clock=clock)
    assert intake.runtime is not None  # a process runs on its database and broker
    api = create_app(
        intake.runtime,
        title="onewindow intake",
        routers=[catalog.router, org.router, routes.router, public.router],
    )
    api.add_exception_handler(public.LookupRateLimited, public.on_rate_limited)
    api.state.intake = intake
    return api


app = create()

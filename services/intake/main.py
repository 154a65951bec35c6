"""The intake service's ASGI app."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.runtime import create_app
from services.intake.adapters.ratelimit import LookupGuard
from services.intake.api import catalog, org, public, routes
from services.intake.bootstrap import bootstrap
from services.intake.config import Settings


def create(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app for these settings (tests pass their own, and a FixedClock)."""
    settings = settings or Settings()
    runtime = bootstrap(settings, clock=clock)
    app = create_app(
        runtime,
        title="onewindow intake",
        routers=[catalog.router, org.router, routes.router, public.router],
    )
    app.state.settings = settings
    app.state.lookups = LookupGuard(
        per_case=settings.lookup_failures_allowed,
        per_client=settings.lookup_failures_per_client,
        window=timedelta(seconds=settings.lookup_window_seconds),
        clock=runtime.clock,
    )
    return app


app = create()

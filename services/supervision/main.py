"""The supervision service's ASGI app."""

from __future__ import annotations

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.webapp import create_app
from services.supervision.adapters.notifier import Notifier
from services.supervision.api import (
    cases,
    dashboard,
    followups,
    lights,
    projects,
    ratings,
    reports,
    stats,
)
from services.supervision.bootstrap import bootstrap
from services.supervision.config import Settings

ROUTERS = [
    cases.router,
    lights.router,
    stats.router,
    followups.router,
    ratings.router,
    reports.router,
    dashboard.router,
    projects.router,
]


def create(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
) -> FastAPI:
    """The ASGI app for these settings (tests pass their own, and a fixed clock)."""
    supervision = bootstrap(settings, clock=clock, notifier=notifier)
    assert supervision.runtime is not None  # bootstrapped without a fake unit of work
    app = create_app(supervision.runtime, title="onewindow supervision", routers=ROUTERS)
    app.mount("/static", dashboard.static_files, name="static")
    app.state.supervision = supervision
    return app


app = create()

"""The approval service's ASGI app."""

from __future__ import annotations

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.runtime import create_app
from services.approval.adapters.notifier import Notifier
from services.approval.api.routes import routers
from services.approval.bootstrap import bootstrap
from services.approval.config import Settings


def create(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
) -> FastAPI:
    """The app for these settings (tests pass their own, and may pass a clock and a notifier)."""
    ctx = bootstrap(settings, clock=clock, notifier=notifier)
    app = create_app(ctx.runtime, title="onewindow approval", routers=routers)
    app.state.approval = ctx
    return app


app = create()

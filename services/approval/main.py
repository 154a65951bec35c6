"""The approval service's ASGI app."""

from __future__ import annotations

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.webapp import create_app
from services.approval.api.routes import routers
from services.approval.application.ports import Notifier
from services.approval.bootstrap import App, bootstrap
from services.approval.config import Settings


def serve(approval: App) -> FastAPI:
    """The FastAPI app of a bootstrapped approval service (with its runtime)."""
    assert approval.runtime is not None, "serving needs the runtime: bootstrap without uow="
    app = create_app(approval.runtime, title="onewindow approval", routers=routers)
    app.state.approval = approval
    return app


def create(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
) -> FastAPI:
    """The app for these settings (tests pass their own, and may pass a clock and a notifier)."""
    return serve(bootstrap(settings, clock=clock, notifier=notifier))


app = create()

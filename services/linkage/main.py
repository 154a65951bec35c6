"""The linkage service's ASGI app."""

from fastapi import FastAPI

from libs.events.clock import Clock
from libs.events.webapp import create_app
from services.linkage.adapters.keys import LinkKeys
from services.linkage.api import subscriptions
from services.linkage.api.routes import router
from services.linkage.bootstrap import bootstrap
from services.linkage.config import Settings


def create(
    settings: Settings | None = None, *, keys: LinkKeys | None = None, clock: Clock | None = None
) -> FastAPI:
    """The app for these settings (tests pass their own, and a clock for webhook timing)."""
    linkage = bootstrap(settings, keys=keys, clock=clock)
    assert linkage.runtime is not None
    routers = [router, subscriptions.router]
    app = create_app(linkage.runtime, title="onewindow linkage", routers=routers)
    app.state.linkage = linkage
    subscriptions.describe_webhooks(app)
    return app


app = create()

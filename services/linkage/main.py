"""The linkage service's ASGI app."""

from fastapi import FastAPI

from libs.events.runtime import create_app
from services.linkage.adapters.keys import LinkKeys
from services.linkage.api.routes import router
from services.linkage.bootstrap import bootstrap
from services.linkage.config import Settings


def create(settings: Settings | None = None, *, keys: LinkKeys | None = None) -> FastAPI:
    """The app for these settings (tests pass their own)."""
    linkage = bootstrap(settings, keys=keys)
    app = create_app(linkage.runtime, title="onewindow linkage", routers=[router])
    app.state.linkage = linkage
    return app


app = create()

"""The linkage service's ASGI app."""

from fastapi import FastAPI

from libs.events.runtime import create_app
from services.linkage.api.routes import router
from services.linkage.bootstrap import bootstrap
from services.linkage.config import Settings


def create(settings: Settings | None = None) -> FastAPI:
    """The app for these settings (tests pass their own)."""
    return create_app(bootstrap(settings), title="onewindow linkage", routers=[router])


app = create()

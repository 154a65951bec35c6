"""The supervision service's ASGI app."""

from fastapi import FastAPI

from libs.events.runtime import create_app
from services.supervision.api.routes import router
from services.supervision.bootstrap import bootstrap
from services.supervision.config import Settings


def create(settings: Settings | None = None) -> FastAPI:
    """The app for these settings (tests pass their own)."""
    return create_app(bootstrap(settings), title="onewindow supervision", routers=[router])


app = create()

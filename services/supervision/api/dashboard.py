"""The wall-screen dashboard at `GET /`, with its script, styles and ECharts served locally.

The page itself needs no token; its data does. A supervisor opens `/?token=<bearer>` once:
the page keeps the token in localStorage, removes it from the address bar, and sends it as
`Authorization: Bearer` to the JSON endpoints and as `?token=` to `/v1/stream` (EventSource
cannot send headers). Without a stored token the page shows a field to paste one.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from libs.events.instants import BeijingRoute

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(route_class=BeijingRoute, tags=["dashboard"])


@router.get("/", include_in_schema=False)
async def dashboard() -> FileResponse:
    """The live lights board, in Chinese, for a wall screen."""
    return FileResponse(STATIC / "dashboard.html", media_type="text/html; charset=utf-8")


static_files = StaticFiles(directory=STATIC)

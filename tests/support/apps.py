"""Any of the four services in-process, by name, for tests that sweep every route of each."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from libs.events.db import events
from libs.events.runtime import Runtime
from tests.support.services import new_prefix, settings_for

SERVICES = ("intake", "approval", "supervision", "linkage")
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class App:
    """A running service: its app and an HTTP client to it."""

    name: str
    app: FastAPI
    http: httpx.AsyncClient

    @property
    def runtime(self) -> Runtime:
        """The app's runtime (engine, store)."""
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def count(self, event_type: str) -> int:
        """How many events of this type (`case.accepted`) the service's store holds."""
        wanted = f"onewindow.{event_type}.v1"
        query = select(func.count()).select_from(events).where(events.c.type == wanted)
        async with self.runtime.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    def operations(self, methods: set[str] | None = None) -> list[tuple[str, str, Any]]:
        """(method, path template, OpenAPI operation) of every documented route (every route
        but the dashboard page), mutating ones when asked."""
        found = []
        for path, item in self.app.openapi()["paths"].items():
            for method, operation in item.items():
                if methods is None or method.upper() in methods:
                    found.append((method.upper(), path, operation))
        return found


async def service_settings(
    name: str, databases: Any, broker: Any, tmp_path: Path, **overrides: Any
) -> Any:
    """A service's settings on a fresh database (approval's seals in `tmp_path`)."""
    config = import_module(f"services.{name}.config")
    if name == "approval":
        overrides.setdefault("seal_keys_dir", str(tmp_path / "seals"))
    return await settings_for(config.Settings, databases, broker, prefix=new_prefix(), **overrides)


@contextlib.asynccontextmanager
async def running(name: str, settings: Any, **create: Any) -> AsyncIterator[App]:
    """The service with its lifespan (migrations, relay, consumers) and a client to it."""
    app = import_module(f"services.{name}.main").create(settings, **create)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield App(name, app, client)

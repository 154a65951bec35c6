"""Running a service in-process for HTTP tests, against real PostgreSQL and the real broker."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from libs.events.auth import issue_dev_token
from libs.events.runtime import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def new_prefix() -> str:
    """A topic prefix of its own, so tests sharing one broker never see each other's events."""
    return f"t{uuid.uuid4().hex[:8]}-"


async def settings_for(
    cls: type[S], databases: Any, broker: Any, *, prefix: str, **overrides: Any
) -> S:
    """Settings of one service on a fresh database, fast consumer-group timings."""
    values: dict[str, Any] = {
        "database_url": await databases.create(cls.__module__.split(".")[1]),
        "kafka_bootstrap_servers": broker.bootstrap,
        "kafka_topic_prefix": prefix,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 200,
        **overrides,
    }
    return cls(**values)


@contextlib.asynccontextmanager
async def serve(create: Callable[[S], FastAPI], settings: S) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (migrations, relay, consumers) and give an HTTP client to it."""
    app = create(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def bearer(
    role: str, *, sub: str = "", center: str | None = "350500", department: str | None = None
) -> dict[str, str]:
    """Authorization header of a dev token."""
    token = issue_dev_token(sub=sub or f"{role}-1", role=role, center=center, department=department)
    return {"Authorization": f"Bearer {token}"}

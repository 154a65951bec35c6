"""A fresh intake service per test: its own PostgreSQL database and topic prefix."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from libs.events.clock import FixedClock
from libs.events.runtime import Runtime
from services.intake.config import Settings
from services.intake.main import create
from tests.integration.intake.harness import NOW, Intake
from tests.support.polling import eventually
from tests.support.services import new_prefix, serve, settings_for


async def _connected(runtime: Runtime) -> bool:
    return runtime.producer is not None and len(runtime.consumers) == len(runtime.subscriptions)


@pytest.fixture
async def intake(broker, databases) -> AsyncIterator[Intake]:  # type: ignore[no-untyped-def]
    """Intake on its own database and topics, its clock fixed at NOW, connected to Kafka."""
    clock = FixedClock(NOW)
    settings = await settings_for(
        Settings, databases, broker, prefix=new_prefix(), overdue_check_seconds=3600
    )
    app = create(settings, clock=clock)
    async with serve(lambda _: app, settings) as http:
        # Stopping while still connecting would leave Kafka connections half-open.
        await eventually(lambda: _connected(app.state.runtime))
        yield Intake(http=http, app=app, settings=settings, clock=clock)

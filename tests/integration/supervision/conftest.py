"""A fresh supervision service per test: its own database and topics, its clock fixed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from libs.events.clock import FixedClock
from services.supervision.config import Settings
from tests.integration.supervision.harness import Service, running, settings_for_supervision
from tests.support.services import new_prefix
from tests.unit.supervision.given import bj

START = bj(2026, 9, 16, 9)  # Wednesday before the Mid-autumn holiday and National Day


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def settings(broker, databases) -> Settings:  # type: ignore[no-untyped-def]
    return await settings_for_supervision(databases, broker, new_prefix())


@pytest.fixture
async def service(settings: Settings, clock: FixedClock) -> AsyncIterator[Service]:
    async with running(settings, clock) as started:
        yield started

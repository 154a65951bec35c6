"""A year's schedule loaded at one service reaches every service's working-day calendar."""

from __future__ import annotations

from datetime import date

import pytest

from libs.events.contract import CalendarYearLoaded
from libs.events.envelope import Envelope, source_of, to_message
from services.supervision.config import Settings
from services.supervision.main import create
from tests.support.polling import eventually
from tests.support.services import new_prefix, serve, settings_for

pytestmark = pytest.mark.integration


async def test_a_loaded_year_makes_its_days_official_everywhere(broker, databases) -> None:
    prefix = new_prefix()
    settings = await settings_for(Settings, databases, broker, prefix=prefix)
    loaded = CalendarYearLoaded(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    envelope = Envelope(
        type=loaded.TYPE,
        source=source_of("350500", "intake"),
        subject="calendar-2027",
        center="350500",
        sequence=1,
        data=loaded.model_dump(mode="json"),
    )
    async with serve(create, settings) as http:
        runtime = http._transport.app.state.runtime  # type: ignore[attr-defined]
        async with runtime.engine.connect() as conn:
            assert (await runtime.calendar(conn)).is_provisional(date(2027, 1, 4))
        producer = settings.producer()
        await producer.start()
        key, headers, value = to_message(envelope)
        await producer.send_and_wait(settings.topic("case-events"), value, key, headers=headers)
        await producer.stop()

        async def official() -> bool:
            async with runtime.engine.connect() as conn:
                calendar = await runtime.calendar(conn)
            return not calendar.is_provisional(date(2027, 1, 4)) and not calendar.is_workday(
                date(2027, 1, 1)
            )

        assert await eventually(official)

"""`onewindow dlq list` and `onewindow dlq replay` on a service's own (SQLite) database."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from libs.events.applier import Applier, Raw
from libs.events.contract import CalendarYearLoaded
from libs.events.db import make_engine, stream_positions
from libs.events.envelope import Envelope
from libs.events.schedules import calendar_schedules
from services.cli import main

pytestmark = pytest.mark.integration


async def cli(capsys: Any, *argv: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, list(argv))
    return code, capsys.readouterr().out


async def test_replay_applies_a_parked_record_through_the_service_handler_once(
    tmp_path: Path, capsys: Any
) -> None:
    """A record intake's calendar consumer parked is listed, replayed through intake's own
    handler (the schedule is stored) and its stream unparked. Fails before: there was no
    `onewindow dlq` command and a dead-lettered record could not be re-applied."""
    url = f"sqlite:///{tmp_path}/intake.db"
    target = ("--service", "intake", "--database-url", url)
    code, out = await cli(capsys, "dlq", "list", *target)  # also migrates
    assert code == 0 and out.count("\n") == 1  # the header only
    loaded = CalendarYearLoaded(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    envelope = Envelope(
        type=loaded.TYPE,
        source="/centers/350521/intake",
        subject="calendar-2027",
        center="350521",
        sequence=1,
        data=loaded.model_dump(mode="json"),
    )
    engine = make_engine(url)

    async def broken(*_: Any) -> None:
        raise AssertionError("not called: the record is parked by hand")

    parker = Applier(name="intake-calendar", engine=engine, handle=broken)
    raw = Raw.of_envelope(envelope, topic="case-events")
    await parker.park(envelope, raw, reason="failed", error="handler failed: RuntimeError('x')")
    code, out = await cli(capsys, "dlq", "list", *target)
    assert "intake-calendar\tfailed\t/centers/350521/intake calendar-2027\t1\t" in out
    code, out = await cli(capsys, "dlq", "replay", *target, "--all")
    assert code == 0 and "1 resolved, 0 still parked" in out
    code, out = await cli(capsys, "dlq", "replay", *target, "--all")
    assert code == 0 and "0 resolved, 0 still parked" in out
    async with engine.connect() as conn:
        [year] = (await conn.execute(select(calendar_schedules.c.year))).scalars()
        [position] = (await conn.execute(select(stream_positions))).all()
    await engine.dispose()
    assert year == 2027
    assert position.sequence == 1 and position.parked_at is None

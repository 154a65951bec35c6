"""Tamper evidence: rows altered, deleted or reordered directly in the database are reported.

Fails on the code before the hash chain: events carried no hash, so nothing could be verified.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.audit import chain, verify
from libs.events.db import events, make_engine, migrate
from libs.events.kafka import KafkaSettings
from libs.events.registry import Event
from libs.events.store import EventStore
from services.cli import main

pytestmark = pytest.mark.integration


class Counted(Event):
    n: int
    note: str = "办件 ✓"


Counted.TYPE = "onewindow.test.counted.v1"


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path, databases) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/audit.db"
    return str(await databases.create("audit"))


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    """Two streams of four events each, appended one and three at a time."""
    eng = make_engine(url)
    await migrate(eng)
    store = EventStore(center="350500", service="intake", kafka=KafkaSettings())
    for stream in ("case-a", "case-b"):
        async with eng.begin() as conn:
            await store.append(conn, stream, 0, [Counted(n=1)])
        async with eng.begin() as conn:
            await store.append(conn, stream, 1, [Counted(n=n) for n in (2, 3, 4)])
    yield eng
    await eng.dispose()


async def findings(engine: AsyncEngine) -> list[tuple[str, int, str]]:
    async with engine.connect() as conn:
        report = await verify(conn)
    return [(f.stream_id, f.version, f.problem) for f in report.findings]


async def tamper(engine: AsyncEngine, sql: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(sql))


async def test_an_untouched_store_is_intact_and_hashes_match_the_python_chain(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        report = await verify(conn)
        rows = (await conn.execute(select(events).order_by(events.c.stream_id))).all()
    assert (report.events, report.streams, report.findings) == (8, 2, [])
    first = rows[0]._mapping
    assert first["hash"] == chain(first["prev_hash"], first)


async def test_an_altered_payload_is_reported(engine: AsyncEngine) -> None:
    await tamper(
        engine,
        """UPDATE events SET data = '{"n": 99, "note": "x"}'
                            WHERE stream_id = 'case-a' AND version = 2""",
    )
    assert await findings(engine) == [("case-a", 2, "its content was altered after it was stored")]


async def test_a_deleted_event_is_reported(engine: AsyncEngine) -> None:
    await tamper(engine, "DELETE FROM events WHERE stream_id = 'case-b' AND version = 2")
    assert [f[:2] for f in await findings(engine)] == [("case-b", 3), ("case-b", 3)]
    assert "versions 2..2 are missing" in (await findings(engine))[0][2]


async def test_reordered_events_are_reported(engine: AsyncEngine) -> None:
    await tamper(
        engine, "UPDATE events SET version = -3 WHERE stream_id = 'case-a' AND version = 3"
    )
    await tamper(engine, "UPDATE events SET version = 3 WHERE stream_id = 'case-a' AND version = 4")
    await tamper(
        engine, "UPDATE events SET version = 4 WHERE stream_id = 'case-a' AND version = -3"
    )
    found = await findings(engine)
    assert {(s, v) for s, v, _ in found} == {("case-a", 3), ("case-a", 4)}
    assert all(s == "case-a" for s, _, _ in found)


async def test_the_command_reports_a_truncated_stream_against_recorded_heads(
    engine: AsyncEngine, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heads = tmp_path / "heads.json"
    assert (
        await asyncio.to_thread(
            main, ["audit", "verify", "--database-url", url, "--record-heads", str(heads)]
        )
        == 0
    )
    assert "8 events in 2 streams: intact" in capsys.readouterr().out
    await tamper(engine, "DELETE FROM events WHERE stream_id = 'case-a' AND version = 4")
    assert (
        await asyncio.to_thread(main, ["audit", "verify", "--database-url", url]) == 0
    )  # a shorter chain is valid
    capsys.readouterr()
    assert (
        await asyncio.to_thread(
            main, ["audit", "verify", "--database-url", url, "--heads", str(heads)]
        )
        == 1
    )
    assert "case-a v0: the stream's newest events are gone" in capsys.readouterr().out

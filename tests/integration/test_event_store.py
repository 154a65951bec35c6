"""The event-store contract, run against both SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from libs.events.audit import verify
from libs.events.db import make_engine, migrate, outbox
from libs.events.kafka import KafkaSettings
from libs.events.registry import CASE_EVENTS, Event, Registry
from libs.events.store import Append, ConcurrencyError, EventStore

pytestmark = pytest.mark.integration


class Noted(Event):
    n: int


Noted.TYPE = "onewindow.test.noted.v1"


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(
    request: pytest.FixtureRequest, tmp_path: Path, databases
) -> AsyncIterator[AsyncEngine]:
    url = (
        f"sqlite:///{tmp_path}/store.db"
        if request.param == "sqlite"
        else await databases.create("store")
    )
    eng = make_engine(url)
    await migrate(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def store() -> EventStore:
    return EventStore(center="350500", service="intake", kafka=KafkaSettings())


async def test_append_then_read_in_order(engine: AsyncEngine, store: EventStore) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "s-1", 0, [Noted(n=1), Noted(n=2)])
    async with engine.begin() as conn:
        await store.append(conn, "s-1", 2, [Noted(n=3)])
        stored = await store.read(conn, "s-1")
        everything = await store.read_all(conn, 0)
    assert [e.version for e in stored] == [1, 2, 3]
    assert [e.data["n"] for e in stored] == [1, 2, 3]
    assert [e.position for e in everything] == sorted(e.position for e in everything)
    assert stored[0].recorded_at.tzinfo is not None


async def test_stale_expected_version_is_a_conflict(engine: AsyncEngine, store: EventStore) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "s-2", 0, [Noted(n=1)])
    with pytest.raises(ConcurrencyError):
        async with engine.begin() as conn:
            await store.append(conn, "s-2", 0, [Noted(n=2)])
    async with engine.begin() as conn:
        assert [e.data["n"] for e in await store.read(conn, "s-2")] == [1]


async def test_twenty_concurrent_writers_get_one_success_per_version(
    engine: AsyncEngine, store: EventStore
) -> None:
    successes: dict[int, list[int]] = {}
    conflicts = 0

    async def writer(w: int) -> None:
        nonlocal conflicts
        while True:
            try:
                async with engine.begin() as conn:
                    version = await store.version(conn, "hot")
                    await asyncio.sleep(0)  # let the others read the same version
                    await store.append(conn, "hot", version, [Noted(n=w)])
                successes.setdefault(version + 1, []).append(w)
                return
            except ConcurrencyError:
                conflicts += 1

    await asyncio.gather(*(writer(w) for w in range(20)))
    async with engine.begin() as conn:
        stored = await store.read(conn, "hot")
    assert [e.version for e in stored] == list(range(1, 21))
    assert all(len(ws) == 1 for ws in successes.values())
    assert sorted(e.data["n"] for e in stored) == list(range(20))
    assert conflicts > 0


async def test_a_head_remembered_from_a_rolled_back_append_never_breaks_the_chain(
    engine: AsyncEngine, store: EventStore
) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "s-3", 0, [Noted(n=1)])
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await store.append(conn, "s-3", 1, [Noted(n=99)])  # its hash is remembered, then undone
        await transaction.rollback()
    other = EventStore(center="350500", service="intake", kafka=KafkaSettings())
    async with engine.begin() as conn:
        await other.append(conn, "s-3", 1, [Noted(n=2)])
    async with engine.begin() as conn:
        await store.append(conn, "s-3", 2, [Noted(n=3)])
    async with engine.connect() as conn:
        report = await verify(conn)
        assert [e.data["n"] for e in await store.read(conn, "s-3")] == [1, 2, 3]
    assert report.intact, report.findings


async def test_appends_to_several_streams_are_all_or_nothing(
    engine: AsyncEngine, store: EventStore
) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "m-1", 0, [Noted(n=1)])
    with pytest.raises(ConcurrencyError):
        async with engine.begin() as conn:
            fresh, stale = Append("m-2", 0, [Noted(n=1)]), Append("m-1", 0, [Noted(n=2)])
            await store.append_many(conn, [fresh, stale])
    async with engine.begin() as conn:
        done = await store.append_many(
            conn, [Append("m-2", 0, [Noted(n=1), Noted(n=2)]), Append("m-1", 1, [Noted(n=2)])]
        )
        assert [e.version for e in done["m-2"]] == [1, 2] and done["m-1"][0].version == 2
    async with engine.connect() as conn:
        report = await verify(conn)
        everything = await store.read_all(conn, 0)
    assert report.intact and report.events == 4
    assert [e.position for e in everything] == sorted(e.position for e in everything)


async def test_one_event_appended_writes_its_outbox_row_unless_unpublished(
    engine: AsyncEngine, store: EventStore
) -> None:
    async with engine.begin() as conn:
        published = await store.append(conn, "p-1", 0, [Noted(n=1)])
        await store.append(conn, "own-1", 0, [Noted(n=2)], publish=False)
        await store.append(conn, "p-1", 1, [Noted(n=3)])
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox).order_by(outbox.c.id))).all()
        report = await verify(conn)
    assert [r.key for r in rows] == ["p-1", "p-1"]
    assert rows[0].event_id == published[0].event_id
    assert rows[0].value == b'{"n": 1}' and ["ce_sequence", "1"] in rows[0].headers
    assert report.intact and report.events == 3


def test_upcaster_reads_a_stored_v1_event_as_v2() -> None:
    types = Registry()

    @types.register("onewindow.test.greeted.v2", topic=CASE_EVENTS)
    class GreetedV2(Event):
        given_name: str
        family_name: str

    @types.upcaster("onewindow.test.greeted.v1", "onewindow.test.greeted.v2")
    def split_name(data: dict[str, object]) -> dict[str, object]:
        family, given = str(data.pop("name")).split(" ", 1)
        return {**data, "family_name": family, "given_name": given}

    loaded = types.load("onewindow.test.greeted.v1", {"name": "王 小明"})
    assert isinstance(loaded, GreetedV2)
    assert (loaded.family_name, loaded.given_name) == ("王", "小明")
    newer_minor = types.load(
        "onewindow.test.greeted.v2", {"given_name": "a", "family_name": "b", "x": 1}
    )
    assert newer_minor.model_extra == {"x": 1}
    assert not types.knows("onewindow.test.greeted.v3")

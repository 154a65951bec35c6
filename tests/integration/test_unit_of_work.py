"""The unit-of-work contract, run against the fake and the SQLAlchemy implementation on SQLite
and PostgreSQL: a block commits once, a raising block leaves nothing, a version is taken once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from libs.events.aggregate import Aggregate
from libs.events.contract import CenterNamed
from libs.events.db import make_engine, migrate
from libs.events.kafka import KafkaSettings
from libs.events.registry import Event
from libs.events.store import ConcurrencyError, EventStore
from libs.events.uow import SqlUnitOfWork
from tests.support.fakes import FakeUnitOfWork

pytestmark = pytest.mark.integration


def Counted(n: int) -> CenterNamed:  # noqa: N802 - a registered event standing in for any
    return CenterNamed(center="350500", name="x" * n, named_at=datetime.now(UTC))


class Counter(Aggregate):
    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.total = 0

    def when(self, event: Event) -> None:
        if isinstance(event, CenterNamed):
            self.total += len(event.name)


class Boom(Exception):
    pass


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
async def uow(request: pytest.FixtureRequest, tmp_path: Path, databases: Any) -> AsyncIterator[Any]:
    if request.param == "fake":
        yield FakeUnitOfWork(views=None)
        return
    url = (
        f"sqlite:///{tmp_path}/uow.db"
        if request.param == "sqlite"
        else await databases.create("uow")
    )
    engine = make_engine(url)
    await migrate(engine)
    store = EventStore(center="350500", service="intake", kafka=KafkaSettings())
    woken: list[int] = []
    sql = SqlUnitOfWork(engine, store, lambda conn: conn, on_commit=lambda: woken.append(1))
    sql.woken = woken  # type: ignore[attr-defined]
    yield sql
    await engine.dispose()


async def test_a_block_commits_its_events_once_and_folds_them(uow: Any) -> None:
    async with uow.begin() as tx:
        counter = await tx.events.load(Counter, "c-1")
        await tx.events.save(counter, [Counted(n=2), Counted(n=3)])
    assert counter.version == 2
    async with uow.begin() as tx:
        again = await tx.events.load(Counter, "c-1")
        assert [e.version for e in await tx.events.read("c-1")] == [1, 2]
    assert (again.version, again.total) == (2, 5)
    if hasattr(uow, "woken"):
        assert uow.woken == [1, 1]  # the relay is woken after each commit


async def test_a_raising_block_leaves_nothing(uow: Any) -> None:
    with pytest.raises(Boom):
        async with uow.begin() as tx:
            await tx.events.append("c-2", 0, [Counted(n=1)])
            raise Boom
    async with uow.begin() as tx:
        assert await tx.events.version("c-2") == 0


async def test_a_version_is_taken_once(uow: Any) -> None:
    async with uow.begin() as tx:
        await tx.events.append("c-3", 0, [Counted(n=1)])
    with pytest.raises(ConcurrencyError):
        async with uow.begin() as tx:
            await tx.events.append("c-3", 0, [Counted(n=9)])
    async with uow.begin() as tx:
        assert [len(e.data["name"]) for e in await tx.events.read("c-3")] == [1]


async def test_joined_work_is_committed_by_its_owner(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/joined.db")
    await migrate(engine)
    store = EventStore(center="350500", service="intake", kafka=KafkaSettings())
    sql = SqlUnitOfWork(engine, store, lambda conn: None)
    with pytest.raises(Boom):
        async with engine.begin() as conn:
            async with sql.joined(conn).begin() as tx:
                await tx.events.append("c-4", 0, [Counted(n=1)])
            raise Boom  # the owner rolls back: the joined block's events go with it
    async with sql.begin() as tx:
        assert await tx.events.version("c-4") == 0
    await engine.dispose()


async def test_the_fake_reports_new_and_published_events() -> None:
    fake = FakeUnitOfWork(views=None)
    fake.given("c-5", Counted(n=1))
    async with fake.begin() as tx:
        await tx.events.append("c-5", 1, [Counted(n=2)])
        await tx.events.append("private", 0, [Counted(n=3)], publish=False)
    assert [len(e.name) for e in fake.new_events() if isinstance(e, CenterNamed)] == [2, 3]
    assert [len(s.data["name"]) for s in fake.published] == [2]
    assert fake.new_events() == []

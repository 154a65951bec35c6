"""Session fixtures: a real Tansu broker on a free port and a fresh PostgreSQL database per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from libs.events.broker import TansuBroker

# The fault tests run under `make chaos` (ONEWINDOW_CHAOS=1), never in `make test`.
collect_ignore = [] if os.environ.get("ONEWINDOW_CHAOS") else ["chaos"]

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def broker() -> Iterator[TansuBroker]:
    """One broker for the whole run; memory storage, so it starts empty."""
    with TansuBroker() as running:
        yield running


class Databases:
    """Creates throwaway PostgreSQL databases on the test server and drops them at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.run = uuid.uuid4().hex[:8]
        self.created: list[str] = []

    def _dsn(self, database: str) -> str:
        return self.admin_url.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )

    async def create(self, label: str) -> str:
        """A new empty database; returns its `postgresql://` URL."""
        name = f"ow_{self.run}_{label}_{len(self.created)}"
        conn = await asyncpg.connect(self._dsn(self.admin_url.database or "postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self.created.append(name)
        return self._dsn(name)

    async def drop_all(self) -> None:
        """Drop every database this run created."""
        conn = await asyncpg.connect(self._dsn(self.admin_url.database or "postgres"))
        try:
            for name in self.created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(scope="session")
async def databases() -> AsyncIterator[Databases]:
    """Factory of fresh databases, dropped after the run."""
    dbs = Databases(TEST_DATABASE_URL)
    yield dbs
    await dbs.drop_all()

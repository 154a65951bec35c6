"""Linkage's upstream outbox is made by the core's outbox factory: same columns, same indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from libs.events.db import make_engine, migrate, outbox
from services.linkage.adapters.tables import link_outbox

pytestmark = pytest.mark.integration
MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "linkage" / "migrations"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_both_outboxes_have_the_unsent_and_the_retention_index(
    backend, databases, tmp_path
) -> None:
    url = (
        await databases.create("outbox")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path}/l.db"
    )
    engine = make_engine(url)
    try:
        await migrate(engine, [MIGRATIONS])
        async with engine.connect() as conn:
            found = await conn.run_sync(
                lambda sync: {
                    table: {i["name"]: i["column_names"] for i in inspect(sync).get_indexes(table)}
                    for table in ("outbox", "link_outbox")
                }
            )
    finally:
        await engine.dispose()
    for table in ("outbox", "link_outbox"):
        assert found[table] == {f"ix_{table}_unsent": ["id"], f"ix_{table}_sent_at": ["sent_at"]}
    assert [(c.name, str(c.type)) for c in link_outbox.columns] == [
        (c.name, str(c.type)) for c in outbox.columns
    ]

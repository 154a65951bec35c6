"""The demonstration project series (`onewindow seed`): four series, five stages each."""

from __future__ import annotations

import json
from pathlib import Path

from libs.events.contract.projects import StageDefinition
from libs.events.runtime import Runtime
from libs.events.store import load, save
from services.approval.domain.projects import Series, series_stream
from services.approval.events import SeriesDefined

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "series.json"


async def seed_series(*, runtime: Runtime, center: str) -> int:
    """Define each seed series not yet defined here; how many were defined."""
    raw = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    defined = 0
    async with runtime.transaction() as conn:
        for entry in raw["series"]:
            series = await load(runtime.store, conn, Series, series_stream(entry["code"]))
            if series.defined is not None:
                continue
            event = SeriesDefined(
                center=center,
                code=entry["code"],
                name=entry["name"],
                stages=[StageDefinition(**s) for s in entry["stages"]],
                by="seed",
                at=runtime.clock.now(),
            )
            await save(runtime.store, conn, series, [event])
            defined += 1
    return defined

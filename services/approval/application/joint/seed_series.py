"""The demonstration project series (`onewindow seed`): four series, five stages each."""

from __future__ import annotations

import json
from pathlib import Path

from libs.events.clock import Clock
from libs.events.contract.projects import StageDefinition
from services.approval.application.ports import ApprovalUnit
from services.approval.domain.projects import Series, series_stream
from services.approval.events import SeriesDefined

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "series.json"


async def seed_series(*, uow: ApprovalUnit, clock: Clock, center: str) -> int:
    """Define each seed series not yet defined here; how many were defined."""
    raw = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    defined = 0
    async with uow.begin() as tx:
        for entry in raw["series"]:
            series = await tx.events.load(Series, series_stream(entry["code"]))
            if series.defined is not None:
                continue
            event = SeriesDefined(
                center=center,
                code=entry["code"],
                name=entry["name"],
                stages=[StageDefinition(**s) for s in entry["stages"]],
                by="seed",
                at=clock.now(),
            )
            await tx.events.save(series, [event])
            defined += 1
    return defined

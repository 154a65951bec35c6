"""The demonstration catalogue (`onewindow seed`), modelled on the source documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from libs.events.clock import Clock
from services.intake.application.common import IntakeUnitOfWork
from services.intake.application.name_org import name_center, name_department
from services.intake.application.publish_item import PublishItem, publish_item
from services.intake.domain.catalog import ItemSpec

SEED_FILE = Path(__file__).resolve().parents[1] / "seed" / "catalog.json"
PARENT = "@parent"  # in the file: the center that decides reported items (上报件)


def deciding_center(center: str, parent: str) -> str:
    """Who decides reported items: the parent center, else the city (the province for the city)."""
    if parent:
        return parent
    return "350000" if center == "350500" else "350500"


def seed_items(center: str, parent: str = "") -> list[tuple[str, ItemSpec]]:
    """The seed file's items as (code, spec), reported items pointing at their deciding center."""
    raw: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    items = []
    for entry in raw["items"]:
        code = entry.pop("code")
        if entry.get("decided_by_center") == PARENT:
            entry["decided_by_center"] = deciding_center(center, parent)
        items.append((code, ItemSpec.model_validate(entry)))
    return items


def seed_departments() -> dict[str, str]:
    """The seed file's departments: code -> name."""
    raw: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    departments: dict[str, str] = raw["departments"]
    return departments


async def seed_names(center_name: str, *, uow: IntakeUnitOfWork, clock: Clock, center: str) -> int:
    """Name the center (when a name is given) and the seed's departments; how many changed."""
    changed = 0
    if center_name.strip():
        changed += await name_center(
            center_name.strip(), "seed", uow=uow, clock=clock, center=center
        )
    for code, name in seed_departments().items():
        changed += await name_department(code, name, "seed", uow=uow, clock=clock, center=center)
    return changed


async def seed_catalog(
    *,
    uow: IntakeUnitOfWork,
    clock: Clock,
    center: str,
    parent: str = "",
    force: bool = False,
    center_name: str = "",
) -> int:
    """Name the organisation, then publish the seed items when the catalogue is empty (or when
    forced); how many item versions were published."""
    await seed_names(center_name, uow=uow, clock=clock, center=center)
    async with uow.begin() as tx:
        existing = await tx.views.count_items()
    if existing and not force:
        return 0
    published = 0
    for code, spec in seed_items(center, parent):
        cmd = PublishItem(code=code, spec=spec, by="seed")
        published += (await publish_item(cmd, uow=uow, clock=clock, center=center)).created
    return published

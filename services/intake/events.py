"""Intake's own events: no other service reads them."""

from __future__ import annotations

from datetime import datetime

from libs.events.registry import CASE_EVENTS, Event, registry


@registry.register("onewindow.catalog.item_retired.v1", topic=CASE_EVENTS)
class ItemRetired(Event):
    """An item withdrawn from the catalogue (a law repealed, a 审改 round): it accepts no new
    cases; cases already received go on under their version."""

    center: str
    code: str
    version: int  # the version current when it was retired
    reason: str
    legal_basis: str = ""
    retired_at: datetime
    retired_by: str

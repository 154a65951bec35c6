"""Apply supervision's own events to its projection: lights, rungs, loops and anomalies.

Use cases call `apply_own` right after appending, in the same transaction; the rebuild calls it
for every stored event. One path, whoever replays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.registry import Event
from services.supervision.adapters import light_rows
from services.supervision.adapters.tables import (
    anomalies,
    complaints,
    lights,
    notices,
    opinions,
    ratings,
)
from services.supervision.domain.followups import is_bad
from services.supervision.events import (
    CaseRated,
    RatingAnswered,
    RatingAppealDecided,
    RatingAppealed,
    RectificationNoticeAnswered,
    RectificationNoticeIssued,
    WarningIssued,
)

Apply = Callable[[AsyncConnection, Any], Awaitable[None]]


async def _light_changed(conn: AsyncConnection, e: s.LightChanged) -> None:
    await light_rows.set_light(conn, e.case_id, e.part, color=e.color, color_since=e.at)


async def _warning_issued(conn: AsyncConnection, e: WarningIssued) -> None:
    where = (lights.c.case_id == e.case_id) & (lights.c.part == "")
    fired = (await conn.execute(select(lights.c.rungs).where(where))).scalar_one_or_none() or ""
    rungs = sorted({*fired.split(","), e.rung} - {""})
    await light_rows.set_light(conn, e.case_id, "", rungs=",".join(rungs))


def _row(table: Table, e: Event) -> dict[str, Any]:
    """The event's declared fields that the table has a column for."""
    return {name: getattr(e, name) for name in type(e).model_fields if name in table.c}


async def _insert(table: Table, conn: AsyncConnection, e: Event, **values: Any) -> None:
    await conn.execute(insert(table).values({**_row(table, e), **values}))


async def _update(table: Table, conn: AsyncConnection, e: Event, **values: Any) -> None:
    """Set the event's fields (and `values`) on the row its primary-key field names."""
    row = {**_row(table, e), **values}
    [key] = table.primary_key.columns
    await conn.execute(update(table).where(key == row.pop(key.name)).values(row))


async def _opinion_issued(conn: AsyncConnection, e: s.OpinionIssued) -> None:
    await _insert(opinions, conn, e, status="open", issued_at=e.issued_at or e.answer_by)


async def _rated(conn: AsyncConnection, e: CaseRated) -> None:
    await _insert(ratings, conn, e, status="awaiting_answer" if is_bad(e.score) else "closed")


async def _rating_appealed(conn: AsyncConnection, e: RatingAppealed) -> None:
    await _update(ratings, conn, e, status="appealed", appeal=e.reason)


async def _appeal_decided(conn: AsyncConnection, e: RatingAppealDecided) -> None:
    values: dict[str, Any] = {
        "appeal_upheld": e.upheld,
        "appeal_note": e.note,
        "appeal_decided_at": e.decided_at,
        "status": "awaiting_answer" if e.upheld else "closed",
    }
    if e.upheld:
        values["answer_by"] = e.answer_by
    await conn.execute(update(ratings).where(ratings.c.rating_id == e.rating_id).values(values))


async def _anomaly(conn: AsyncConnection, e: s.AnomalyDetected) -> None:
    await _insert(anomalies, conn, e, department=e.evidence.get("department", ""))


APPLY: dict[type[Event], Apply] = {
    s.LightChanged: _light_changed,
    WarningIssued: _warning_issued,
    s.OpinionIssued: _opinion_issued,
    s.OpinionAnswered: partial(_update, opinions, status="answered"),
    s.ComplaintFiled: partial(_insert, complaints, status="open"),
    s.ComplaintResolved: partial(_update, complaints, status="resolved"),
    RectificationNoticeIssued: partial(_insert, notices, status="open"),
    RectificationNoticeAnswered: partial(_update, notices, status="answered"),
    CaseRated: _rated,
    RatingAnswered: partial(_update, ratings, status="answered"),
    RatingAppealed: _rating_appealed,
    RatingAppealDecided: _appeal_decided,
    s.AnomalyDetected: _anomaly,
}


async def apply_own(conn: AsyncConnection, event: Event) -> None:
    """Fold one of supervision's own events into the projection."""
    apply = APPLY.get(type(event))
    if apply is not None:
        await apply(conn, event)

"""Apply supervision's own events to its projection: lights, rungs, loops and anomalies.

Use cases call `apply_own` right after appending, in the same transaction; the rebuild calls it
for every stored event. One path, whoever replays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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


async def _insert(conn: AsyncConnection, table: Table, row: dict[str, Any]) -> None:
    await conn.execute(insert(table).values(row))


async def _update(conn: AsyncConnection, table: Table, key: str, values: dict[str, Any]) -> None:
    """Set `values` on the row whose primary key is `key`."""
    [column] = table.primary_key.columns
    await conn.execute(update(table).where(column == key).values(values))


async def _opinion_issued(conn: AsyncConnection, e: s.OpinionIssued) -> None:
    row = {
        "opinion_id": e.opinion_id,
        "center": e.center,
        "department": e.department,
        "case_id": e.case_id,
        "text": e.text,
        "issued_by": e.issued_by,
        "issued_at": e.issued_at or e.answer_by,
        "answer_by": e.answer_by,
        "status": "open",
    }
    await _insert(conn, opinions, row)


async def _opinion_answered(conn: AsyncConnection, e: s.OpinionAnswered) -> None:
    answer = {"answer": e.answer, "answered_by": e.answered_by, "answered_at": e.answered_at}
    await _update(conn, opinions, e.opinion_id, {**answer, "status": "answered"})


async def _complaint_filed(conn: AsyncConnection, e: s.ComplaintFiled) -> None:
    row = {
        "complaint_id": e.complaint_id,
        "center": e.center,
        "department": e.department,
        "case_id": e.case_id,
        "text": e.text,
        "filed_by": e.filed_by,
        "filed_at": e.filed_at,
        "answer_by": e.answer_by,
        "status": "open",
    }
    await _insert(conn, complaints, row)


async def _complaint_resolved(conn: AsyncConnection, e: s.ComplaintResolved) -> None:
    answer = {"answer": e.answer, "resolved_by": e.resolved_by, "resolved_at": e.resolved_at}
    await _update(conn, complaints, e.complaint_id, {**answer, "status": "resolved"})


async def _notice_issued(conn: AsyncConnection, e: RectificationNoticeIssued) -> None:
    row = {
        "notice_id": e.notice_id,
        "center": e.center,
        "department": e.department,
        "text": e.text,
        "issued_by": e.issued_by,
        "issued_at": e.issued_at,
        "rectify_by": e.rectify_by,
        "status": "open",
    }
    await _insert(conn, notices, row)


async def _notice_answered(conn: AsyncConnection, e: RectificationNoticeAnswered) -> None:
    answer = {"answer": e.answer, "answered_by": e.answered_by, "answered_at": e.answered_at}
    await _update(conn, notices, e.notice_id, {**answer, "status": "answered"})


async def _rated(conn: AsyncConnection, e: CaseRated) -> None:
    row = {
        "rating_id": e.rating_id,
        "case_id": e.case_id,
        "center": e.center,
        "department": e.department,
        "score": e.score,
        "comment": e.comment,
        "rated_by": e.rated_by,
        "rated_at": e.rated_at,
        "answer_by": e.answer_by,
        "status": "awaiting_answer" if is_bad(e.score) else "closed",
    }
    await _insert(conn, ratings, row)


async def _rating_answered(conn: AsyncConnection, e: RatingAnswered) -> None:
    answer = {"follow_up": e.follow_up, "remedy": e.remedy, "answer": e.answer}
    answered = {"answered_by": e.answered_by, "answered_at": e.answered_at}
    await _update(conn, ratings, e.rating_id, {**answer, **answered, "status": "answered"})


async def _rating_appealed(conn: AsyncConnection, e: RatingAppealed) -> None:
    appeal = {"appeal": e.reason, "appealed_at": e.appealed_at}
    await _update(conn, ratings, e.rating_id, {**appeal, "status": "appealed"})


async def _appeal_decided(conn: AsyncConnection, e: RatingAppealDecided) -> None:
    values: dict[str, Any] = {
        "appeal_upheld": e.upheld,
        "appeal_note": e.note,
        "appeal_decided_at": e.decided_at,
        "status": "awaiting_answer" if e.upheld else "closed",
    }
    if e.upheld:
        values["answer_by"] = e.answer_by
    await _update(conn, ratings, e.rating_id, values)


async def _anomaly(conn: AsyncConnection, e: s.AnomalyDetected) -> None:
    row = {
        "anomaly_id": e.anomaly_id,
        "rule": e.rule,
        "center": e.center,
        "department": e.evidence.get("department", ""),
        "case_id": e.case_id,
        "evidence": e.evidence,
        "detected_at": e.detected_at,
    }
    await _insert(conn, anomalies, row)


APPLY: dict[type[Event], Apply] = {
    s.LightChanged: _light_changed,
    WarningIssued: _warning_issued,
    s.OpinionIssued: _opinion_issued,
    s.OpinionAnswered: _opinion_answered,
    s.ComplaintFiled: _complaint_filed,
    s.ComplaintResolved: _complaint_resolved,
    RectificationNoticeIssued: _notice_issued,
    RectificationNoticeAnswered: _notice_answered,
    CaseRated: _rated,
    RatingAnswered: _rating_answered,
    RatingAppealed: _rating_appealed,
    RatingAppealDecided: _appeal_decided,
    s.AnomalyDetected: _anomaly,
}


async def apply_own(conn: AsyncConnection, event: Event) -> None:
    """Fold one of supervision's own events into the projection."""
    apply = APPLY.get(type(event))
    if apply is not None:
        await apply(conn, event)

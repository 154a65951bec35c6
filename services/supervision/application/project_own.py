"""Apply supervision's own events to its projection: lights, rungs, loops and anomalies.

Use cases call `apply_own` right after appending, in the same transaction; the rebuild calls it
for every stored event. One path, whoever replays.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import schemas as s
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

Apply = Callable[[AsyncConnection, Any], Awaitable[None]]


async def _light_changed(conn: AsyncConnection, e: s.LightChanged) -> None:
    await light_rows.set_light(conn, e.case_id, e.part, color=e.color, color_since=e.at)


async def _warning_issued(conn: AsyncConnection, e: s.WarningIssued) -> None:
    where = (lights.c.case_id == e.case_id) & (lights.c.part == "")
    fired = (await conn.execute(select(lights.c.rungs).where(where))).scalar_one_or_none() or ""
    rungs = sorted({*fired.split(","), e.rung} - {""})
    await light_rows.set_light(conn, e.case_id, "", rungs=",".join(rungs))


async def _opinion_issued(conn: AsyncConnection, e: s.OpinionIssued) -> None:
    await conn.execute(
        insert(opinions).values(
            opinion_id=e.opinion_id,
            center=e.center,
            department=e.department,
            case_id=e.case_id,
            text=e.text,
            issued_by=e.issued_by,
            issued_at=e.issued_at or e.answer_by,
            answer_by=e.answer_by,
            status="open",
        )
    )


async def _opinion_answered(conn: AsyncConnection, e: s.OpinionAnswered) -> None:
    await conn.execute(
        update(opinions)
        .where(opinions.c.opinion_id == e.opinion_id)
        .values(
            status="answered", answer=e.answer, answered_by=e.answered_by, answered_at=e.answered_at
        )
    )


async def _complaint_filed(conn: AsyncConnection, e: s.ComplaintFiled) -> None:
    await conn.execute(
        insert(complaints).values(
            complaint_id=e.complaint_id,
            center=e.center,
            department=e.department,
            case_id=e.case_id,
            text=e.text,
            filed_by=e.filed_by,
            filed_at=e.filed_at,
            answer_by=e.answer_by,
            status="open",
        )
    )


async def _complaint_resolved(conn: AsyncConnection, e: s.ComplaintResolved) -> None:
    await conn.execute(
        update(complaints)
        .where(complaints.c.complaint_id == e.complaint_id)
        .values(
            status="resolved", answer=e.answer, resolved_by=e.resolved_by, resolved_at=e.resolved_at
        )
    )


async def _notice_issued(conn: AsyncConnection, e: s.RectificationNoticeIssued) -> None:
    await conn.execute(
        insert(notices).values(
            notice_id=e.notice_id,
            center=e.center,
            department=e.department,
            text=e.text,
            issued_by=e.issued_by,
            issued_at=e.issued_at,
            rectify_by=e.rectify_by,
            status="open",
        )
    )


async def _notice_answered(conn: AsyncConnection, e: s.RectificationNoticeAnswered) -> None:
    await conn.execute(
        update(notices)
        .where(notices.c.notice_id == e.notice_id)
        .values(
            status="answered", answer=e.answer, answered_by=e.answered_by, answered_at=e.answered_at
        )
    )


async def _rated(conn: AsyncConnection, e: s.CaseRated) -> None:
    await conn.execute(
        insert(ratings).values(
            rating_id=e.rating_id,
            case_id=e.case_id,
            center=e.center,
            department=e.department,
            score=e.score,
            comment=e.comment,
            rated_by=e.rated_by,
            rated_at=e.rated_at,
            status="awaiting_answer" if is_bad(e.score) else "closed",
            answer_by=e.answer_by,
        )
    )


async def _rating_answered(conn: AsyncConnection, e: s.RatingAnswered) -> None:
    await _update_rating(
        conn,
        e.rating_id,
        status="answered",
        follow_up=e.follow_up,
        remedy=e.remedy,
        answer=e.answer,
        answered_by=e.answered_by,
        answered_at=e.answered_at,
    )


async def _rating_appealed(conn: AsyncConnection, e: s.RatingAppealed) -> None:
    await _update_rating(
        conn, e.rating_id, status="appealed", appeal=e.reason, appealed_at=e.appealed_at
    )


async def _appeal_decided(conn: AsyncConnection, e: s.RatingAppealDecided) -> None:
    values: dict[str, Any] = {
        "appeal_upheld": e.upheld,
        "appeal_note": e.note,
        "appeal_decided_at": e.decided_at,
        "status": "awaiting_answer" if e.upheld else "closed",
    }
    if e.upheld:
        values["answer_by"] = e.answer_by
    await _update_rating(conn, e.rating_id, **values)


async def _update_rating(conn: AsyncConnection, rating_id: str, **values: Any) -> None:
    await conn.execute(update(ratings).where(ratings.c.rating_id == rating_id).values(**values))


async def _anomaly(conn: AsyncConnection, e: s.AnomalyDetected) -> None:
    await conn.execute(
        insert(anomalies).values(
            anomaly_id=e.anomaly_id,
            rule=e.rule,
            center=e.center,
            department=e.evidence.get("department", ""),
            case_id=e.case_id,
            evidence=e.evidence,
            detected_at=e.detected_at,
        )
    )


APPLY: dict[type[Event], Apply] = {
    s.LightChanged: _light_changed,
    s.WarningIssued: _warning_issued,
    s.OpinionIssued: _opinion_issued,
    s.OpinionAnswered: _opinion_answered,
    s.ComplaintFiled: _complaint_filed,
    s.ComplaintResolved: _complaint_resolved,
    s.RectificationNoticeIssued: _notice_issued,
    s.RectificationNoticeAnswered: _notice_answered,
    s.CaseRated: _rated,
    s.RatingAnswered: _rating_answered,
    s.RatingAppealed: _rating_appealed,
    s.RatingAppealDecided: _appeal_decided,
    s.AnomalyDetected: _anomaly,
}


async def apply_own(conn: AsyncConnection, event: Event) -> None:
    """Fold one of supervision's own events into the projection."""
    apply = APPLY.get(type(event))
    if apply is not None:
        await apply(conn, event)

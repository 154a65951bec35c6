"""The delivery queue: notices wait in the database until sent, retried with backoff, never lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.approval.adapters.tables import deliveries as t
from services.approval.application.ports import Message


async def enqueue(
    conn: AsyncConnection,
    *,
    case_id: str,
    channel: str,
    phone: str,
    text: str,
    kind: str = "decision",
) -> str:
    """Queue one notice in the caller's transaction; returns its message id."""
    message_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    await conn.execute(
        insert(t).values(
            message_id=message_id,
            case_id=case_id,
            kind=kind,
            channel=channel,
            phone=phone,
            text=text,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return message_id


async def due(conn: AsyncConnection, *, now: datetime, limit: int) -> list[Message]:
    """Unsent messages whose time has come and that no other sender holds a lease on."""
    rows = await conn.execute(
        select(t)
        .where(t.c.sent_at.is_(None), t.c.next_attempt_at <= now)
        .where((t.c.lease_until.is_(None)) | (t.c.lease_until < now))
        .order_by(t.c.id)
        .limit(limit)
    )
    return [Message(r.message_id, r.case_id, r.channel, r.phone, r.text, r.kind) for r in rows]


async def lease(conn: AsyncConnection, message_id: str, *, now: datetime, until: datetime) -> bool:
    """Take the message until `until`, unless another sender took it first."""
    taken = await conn.execute(
        update(t)
        .where(t.c.message_id == message_id, t.c.sent_at.is_(None))
        .where((t.c.lease_until.is_(None)) | (t.c.lease_until < now))
        .values(lease_until=until)
    )
    return bool(taken.rowcount == 1)


async def mark_sent(conn: AsyncConnection, message_id: str) -> None:
    """The gateway took it."""
    await conn.execute(
        update(t).where(t.c.message_id == message_id).values(sent_at=datetime.now(UTC))
    )


async def reschedule(
    conn: AsyncConnection, message_id: str, *, error: str, base: float, cap: float
) -> None:
    """Try again later: exponential backoff from `base` seconds, at most `cap`."""
    attempts = (
        await conn.execute(select(t.c.attempts).where(t.c.message_id == message_id))
    ).scalar_one()
    delay = min(base * 2**attempts, cap)
    await conn.execute(
        update(t)
        .where(t.c.message_id == message_id)
        .values(
            attempts=attempts + 1,
            next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            lease_until=None,
            last_error=error[:2000],
        )
    )


def mask_phone(phone: str) -> str:
    """13900000002 -> 139****0002: who it went to, without the whole number."""
    digits = "".join(c for c in phone if c.isdigit())[-11:]
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


async def sent_for(conn: AsyncConnection, case_id: str) -> list[dict[str, Any]]:
    """Every notice of a case, oldest first, with the phone masked: what went to whom, when."""
    rows = await conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id))
    return [
        {
            "kind": r.kind,
            "channel": r.channel,
            "to": mask_phone(r.phone),
            "text": r.text,
            "queued_at": r.created_at,
            "sent_at": r.sent_at,
            "attempts": r.attempts,
            "last_error": r.last_error,
        }
        for r in rows
    ]

"""Receive a case at a window or online (POST /v1/cases)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import idempotency
from libs.events.contract import Applicant, CaseSupplementRequested, Channel
from libs.events.registry import Event
from libs.events.runtime import Runtime
from services.intake.adapters import catalog
from services.intake.adapters.sequences import next_sequence
from services.intake.adapters.tables import cases
from services.intake.application.common import notice, save_case
from services.intake.domain.acceptance import today
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.numbers import case_number, new_query_code
from services.intake.domain.query_codes import QueryCodeIssued, query_code_stream, query_hash
from services.intake.domain.rules import (
    ItemNotInCatalogue,
    RetiredItemAcceptsNoCases,
)
from services.intake.domain.submission import Receipt, submit


@dataclass(frozen=True)
class SubmitCase:
    """The submission: item, applicant, materials (and those found wrong), channel, who."""

    item_code: str
    applicant: Applicant
    materials: list[str]
    channel: Channel
    submitted_by: str
    rejected: dict[str, str] = field(default_factory=dict)


async def submit_case(command: SubmitCase, *, runtime: Runtime, pepper: str) -> dict[str, Any]:
    """Create the case: case number, query code, first notice (an Idempotency-Key's replay is
    the shared middleware's, libs/events/idempotency)."""
    async with runtime.transaction() as conn:
        answer = await _create(conn, command, runtime, pepper)
        await idempotency.answer(conn, 201, answer)  # a crash after COMMIT keeps the answer
        return answer


async def _create(
    conn: AsyncConnection, command: SubmitCase, runtime: Runtime, pepper: str
) -> dict[str, Any]:
    item = await catalog.current_item(conn, command.item_code)
    if item is None:
        raise ItemNotInCatalogue(
            f"item {command.item_code} is not in this center's catalogue", field="item_code"
        )
    if item.retired is not None:
        raise RetiredItemAcceptsNoCases(
            f"item {item.code} ({item.name}) was retired on {item.retired.retired_at:%Y-%m-%d}: "
            f"{item.retired.reason}",
            field="item_code",
        )
    now, center = runtime.clock.now(), runtime.settings.center_code
    receipt = await _receipt(conn, command, center=center, now=now)
    events = submit(item, receipt, now=now)
    case = Case(receipt.case_id)
    await save_case(runtime, conn, case, events)
    query_code = new_query_code()
    hashed = query_hash(query_code, pepper=pepper)
    issued = QueryCodeIssued(case_id=case.stream_id, query_hash=hashed)
    await runtime.store.append(conn, query_code_stream(case.stream_id), 0, [issued], publish=False)
    where = cases.c.case_id == case.stream_id
    await conn.execute(update(cases).where(where).values(query_code=query_code, query_hash=hashed))
    return _answer(case, item, receipt.case_no, query_code, events)


async def _receipt(
    conn: AsyncConnection, command: SubmitCase, *, center: str, now: datetime
) -> Receipt:
    day = today(now)
    sequence = await next_sequence(conn, center, f"{day:%Y%m%d}")
    return Receipt(
        case_id=str(uuid.uuid4()),
        case_no=case_number(center, day, sequence),
        center=center,
        applicant=command.applicant,
        materials=command.materials,
        rejected=command.rejected,
        channel=command.channel,
        submitted_by=command.submitted_by,
    )


def _answer(
    case: Case, item: ItemVersion, case_no: str, query_code: str, events: list[Event]
) -> dict[str, Any]:
    requested = next((e for e in events if isinstance(e, CaseSupplementRequested)), None)
    missing = requested.missing if requested else []
    return {
        "case_id": case.stream_id,
        "case_no": case_no,
        "query_code": query_code,
        "status": case.status,
        "item_code": item.code,
        "item_version": item.version,
        "missing": missing,
        "notice": notice(item, missing, requested.reasons if requested else {}),
    }

"""Receive a case at a window or online (POST /v1/cases)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import Applicant, CaseSupplementRequested, Channel
from libs.events.registry import Event
from services.intake.api.schemas import CaseCreated
from services.intake.application.common import (
    IntakeTransaction,
    IntakeUnitOfWork,
    notice,
    save_case,
)
from services.intake.application.who_may import channel_of, judged_by_staff, served_here
from services.intake.domain.acceptance import today
from services.intake.domain.case import Case
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.numbers import case_number, new_query_code
from services.intake.domain.query_codes import QueryCodeIssued, query_code_stream, query_hash
from services.intake.domain.rules import ItemNotInCatalogue, RetiredItemAcceptsNoCases
from services.intake.domain.submission import Receipt, submit


@dataclass(frozen=True)
class SubmitCase:
    """The submission: item, applicant, materials (and those found wrong), channel (None: the
    caller's usual one), who."""

    item_code: str
    applicant: Applicant
    materials: list[str]
    channel: Channel | None
    by: Principal
    rejected: dict[str, str] = field(default_factory=dict)


async def submit_case(
    cmd: SubmitCase, *, uow: IntakeUnitOfWork, clock: Clock, center: str, pepper: str
) -> CaseCreated:
    """Create the case: case number, query code, first notice (an Idempotency-Key's replay is
    the shared middleware's, libs/events/idempotency)."""
    judged_by_staff(cmd.by, cmd.rejected)
    served_here(cmd.by, center)
    cmd = replace(cmd, channel=channel_of(cmd.by, cmd.channel))
    async with uow.begin() as tx:
        answer = await _create(tx, cmd, now=clock.now(), center=center, pepper=pepper)
        # Kept with the case, so that a crash right after COMMIT still leaves the retry its answer.
        await tx.views.remember_answer(201, answer.model_dump(mode="json"))
    return answer


async def _open_item(tx: IntakeTransaction, code: str) -> ItemVersion:
    item = await tx.views.current_item(code)
    if item is None:
        raise ItemNotInCatalogue(
            f"item {code} is not in this center's catalogue", field="item_code"
        )
    if item.retired is not None:
        raise RetiredItemAcceptsNoCases(
            f"item {item.code} ({item.name}) was retired on {item.retired.retired_at:%Y-%m-%d}: "
            f"{item.retired.reason}",
            field="item_code",
        )
    return item


async def _create(
    tx: IntakeTransaction, cmd: SubmitCase, *, now: datetime, center: str, pepper: str
) -> CaseCreated:
    item = await _open_item(tx, cmd.item_code)
    receipt = await _receipt(tx, cmd, center=center, now=now)
    events = submit(item, receipt, now=now)
    case = Case(receipt.case_id)
    await save_case(tx, case, events, now=now)
    query_code = new_query_code()
    hashed = query_hash(query_code, pepper=pepper)
    issued = QueryCodeIssued(case_id=case.stream_id, query_hash=hashed)
    await tx.events.append(query_code_stream(case.stream_id), 0, [issued], publish=False)
    await tx.views.set_query_code(case.stream_id, query_code, hashed)
    return _answer(case, item, receipt.case_no, query_code, events)


async def _receipt(
    tx: IntakeTransaction, cmd: SubmitCase, *, center: str, now: datetime
) -> Receipt:
    day = today(now)
    sequence = await tx.views.next_sequence(center, f"{day:%Y%m%d}")
    return Receipt(
        case_id=str(uuid.uuid4()),
        case_no=case_number(center, day, sequence),
        center=center,
        applicant=cmd.applicant,
        materials=cmd.materials,
        rejected=cmd.rejected,
        channel=cmd.channel or "window",
        submitted_by=cmd.by.sub,
    )


def _answer(
    case: Case, item: ItemVersion, case_no: str, query_code: str, events: list[Event]
) -> CaseCreated:
    requested = next((e for e in events if isinstance(e, CaseSupplementRequested)), None)
    missing = requested.missing if requested else []
    return CaseCreated(
        case_id=case.stream_id,
        case_no=case_no,
        query_code=query_code,
        status=case.status,
        item_code=item.code,
        item_version=item.version,
        missing=missing,
        notice=notice(item, missing, requested.reasons if requested else {}),
    )

"""超时默许: overdue cases whose item allows it are deemed approved, once, whoever runs the scan."""

from __future__ import annotations

import asyncio
import logging

from libs.events.clock import Clock
from libs.events.store import ConcurrencyError
from services.approval.application.ports import ApprovalUnit, Seals
from services.approval.application.sealing import issue_document, issue_missing_documents
from services.approval.application.unit import commit, load_case
from services.approval.config import Settings
from services.approval.domain.decisions import deem_approved

log = logging.getLogger(__name__)


async def deem_overdue(*, uow: ApprovalUnit, clock: Clock, settings: Settings, seals: Seals) -> int:
    """One pass: deem every due case; a case another process decided first is skipped."""
    now = clock.now()
    async with uow.begin() as tx:
        due = await tx.views.overdue_deemable(now)
    deemed = 0
    for case_id in due:
        try:
            async with uow.begin() as tx:
                case = await load_case(tx, case_id)
                events = deem_approved(case, now)
                await commit(tx, case, events, channel=settings.notify_channel)
            if events:  # after the deeming transaction committed
                await issue_document(case_id, uow=uow, clock=clock, settings=settings, seals=seals)
        except ConcurrencyError:
            log.info("case %s was decided by another process meanwhile", case_id)
            continue
        except Exception:  # one case that cannot be sealed must not hold back the others
            log.exception("deemed approval of case %s failed; retried on the next pass", case_id)
            continue
        deemed += len(events)
    return deemed


async def deem_overdue_forever(
    *, uow: ApprovalUnit, clock: Clock, settings: Settings, seals: Seals
) -> None:
    """Scan every `deemed_scan_seconds` until cancelled; documents are sealed after each pass
    (the deemed approvals', and any a stopped process left undone)."""
    while True:
        await deem_overdue(uow=uow, clock=clock, settings=settings, seals=seals)
        try:
            await issue_missing_documents(uow=uow, clock=clock, settings=settings, seals=seals)
        except Exception:  # a document that cannot be sealed now is tried on the next pass
            log.exception("issuing decision documents failed; retried on the next pass")
        await asyncio.sleep(settings.deemed_scan_seconds)

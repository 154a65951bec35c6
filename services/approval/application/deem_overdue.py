"""超时默许: overdue cases whose item allows it are deemed approved, once, whoever runs the scan."""

from __future__ import annotations

import asyncio
import logging

from libs.events.store import ConcurrencyError
from services.approval.adapters import projection
from services.approval.application.context import Context
from services.approval.application.sealing import issue_document, issue_missing_documents
from services.approval.application.unit import commit, load_case
from services.approval.domain.decisions import deem_approved

log = logging.getLogger(__name__)


async def deem_overdue(ctx: Context) -> int:
    """One pass: deem every due case; a case another process decided first is skipped."""
    now = ctx.now()
    async with ctx.runtime.engine.connect() as conn:
        due = await projection.overdue_deemable(conn, now=now)
    deemed = 0
    for case_id in due:
        try:
            async with ctx.runtime.transaction() as conn:
                case = await load_case(conn, ctx, case_id)
                events = deem_approved(case, now)
                await commit(conn, ctx, case, events)
            if events:
                await issue_document(ctx, case_id)  # after the deeming transaction committed
        except ConcurrencyError:
            log.info("case %s was decided by another process meanwhile", case_id)
            continue
        except Exception:  # one case that cannot be sealed must not hold back the others
            log.exception("deemed approval of case %s failed; retried on the next pass", case_id)
            continue
        deemed += len(events)
    return deemed


async def deem_overdue_forever(ctx: Context) -> None:
    """Scan every `deemed_scan_seconds` until cancelled; documents are sealed after each pass
    (the deemed approvals', and any a stopped process left undone)."""
    while True:
        await deem_overdue(ctx)
        try:
            await issue_missing_documents(ctx)
        except Exception:  # a document that cannot be sealed now is tried on the next pass
            log.exception("issuing decision documents failed; retried on the next pass")
        await asyncio.sleep(ctx.settings.deemed_scan_seconds)

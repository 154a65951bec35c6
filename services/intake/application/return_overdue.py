"""退件: return accepted cases whose tolerated materials were not supplied by the promised date."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from libs.events.runtime import Runtime
from libs.events.store import ConcurrencyError
from services.intake.adapters.tables import cases
from services.intake.application.common import load_case, save_case
from services.intake.domain.acceptance import today

log = logging.getLogger(__name__)


async def return_overdue_cases(runtime: Runtime) -> list[str]:
    """Return every overdue case, each in its own transaction; the ids of those returned."""
    now = runtime.clock.now()
    query = select(cases.c.case_id).where(
        cases.c.status == "accepted",
        cases.c.outcome.is_(None),
        cases.c.promise_due < today(now),
    )
    async with runtime.engine.connect() as conn:
        due = list((await conn.execute(query)).scalars())
    returned = []
    for case_id in due:
        try:
            async with runtime.transaction() as conn:
                case = await load_case(runtime, conn, case_id, None)
                events = case.return_overdue(now)
                await save_case(runtime, conn, case, events)
        except ConcurrencyError:
            continue  # changed meanwhile (supplemented, extended): the next pass looks again
        if events:
            returned.append(case_id)
    return returned


def every(seconds: float) -> Callable[[Runtime], Awaitable[None]]:
    """A background job returning overdue cases every `seconds`."""

    async def return_overdue_promises(runtime: Runtime) -> None:
        """Check, then sleep, until cancelled."""
        while True:
            try:
                returned = await return_overdue_cases(runtime)
                if returned:
                    log.info("returned %d case(s) with overdue promises", len(returned))
            except Exception:
                log.exception("overdue promise check failed; trying again later")
            await asyncio.sleep(seconds)

    return return_overdue_promises

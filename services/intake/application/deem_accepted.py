"""The art. 32 job: warn the window of unjudged online submissions, then accept them as of
the day their materials were received."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from libs.events.contract import CaseAccepted
from libs.events.runtime import Runtime
from libs.events.store import ConcurrencyError
from services.intake.adapters.tables import cases
from services.intake.application.common import item_of, load_case, save_case
from services.intake.domain.deemed import deem_accepted, warn_acceptance_due

log = logging.getLogger(__name__)


@dataclass
class Judged:
    """What one pass did: the cases warned about and the cases accepted by art. 32."""

    warned: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)


async def judge_unjudged_cases(runtime: Runtime) -> Judged:
    """One pass over the online submissions awaiting the window, each in its own transaction."""
    now = runtime.clock.now()
    query = select(cases.c.case_id).where(
        cases.c.status == "submitted", cases.c.channel == "online", cases.c.outcome.is_(None)
    )
    async with runtime.engine.connect() as conn:
        waiting = list((await conn.execute(query)).scalars())
    judged = Judged()
    for case_id in waiting:
        try:
            async with runtime.transaction() as conn:
                case = await load_case(runtime, conn, case_id, None)
                calendar = await runtime.calendar(conn)
                item = await item_of(conn, case)
                events = deem_accepted(case, item, calendar, now=now) or warn_acceptance_due(
                    case, calendar, now=now
                )
                await save_case(runtime, conn, case, events)
        except ConcurrencyError:
            continue  # a clerk acted meanwhile: the next pass looks again
        if events:
            done = judged.accepted if isinstance(events[0], CaseAccepted) else judged.warned
            done.append(case_id)
    return judged


def judging_every(seconds: float) -> Callable[[Runtime], Awaitable[None]]:
    """A background job running the art. 32 pass every `seconds`."""

    async def accept_unjudged_submissions(runtime: Runtime) -> None:
        """Check, then sleep, until cancelled."""
        while True:
            try:
                judged = await judge_unjudged_cases(runtime)
                if judged.warned or judged.accepted:
                    log.info(
                        "art. 32: warned %d, accepted %d", len(judged.warned), len(judged.accepted)
                    )
            except Exception:
                log.exception("art. 32 check failed; trying again later")
            await asyncio.sleep(seconds)

    return accept_unjudged_submissions

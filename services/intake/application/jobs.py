"""Intake's background jobs: one pass of a use case every so many seconds, until cancelled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sized

from libs.events.clock import Clock
from services.intake.application.common import IntakeUnitOfWork
from services.intake.application.deem_accepted import judge_unjudged_cases
from services.intake.application.return_overdue import return_overdue_cases

log = logging.getLogger(__name__)


async def repeat(seconds: float, what: str, one_pass: Callable[[], Awaitable[object]]) -> None:
    """Run `one_pass`, then sleep; a failed pass is logged and tried again later."""
    while True:
        try:
            done = await one_pass()
            if done:
                log.info("%s: %s", what, done)
        except Exception:
            log.exception("%s failed; trying again later", what)
        await asyncio.sleep(seconds)


async def return_overdue_promises(*, uow: IntakeUnitOfWork, clock: Clock, seconds: float) -> None:
    """退件 of overdue 容缺 promises every `seconds`."""

    async def one_pass() -> Sized:
        return await return_overdue_cases(uow=uow, clock=clock)

    await repeat(seconds, "returned case(s) with overdue promises", one_pass)


async def accept_unjudged_submissions(
    *, uow: IntakeUnitOfWork, clock: Clock, seconds: float
) -> None:
    """The art. 32 pass every `seconds`."""

    async def one_pass() -> str:
        judged = await judge_unjudged_cases(uow=uow, clock=clock)
        if not (judged.warned or judged.accepted):
            return ""
        return f"warned {len(judged.warned)}, accepted {len(judged.accepted)}"

    await repeat(seconds, "art. 32", one_pass)

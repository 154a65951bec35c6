"""The art. 32 pass: warn the window of unjudged online submissions, then accept them as of
the day their materials were received."""

from __future__ import annotations

from dataclasses import dataclass, field

from libs.events.clock import Clock
from libs.events.contract import CaseAccepted
from libs.events.store import ConcurrencyError
from services.intake.application.common import IntakeUnitOfWork, item_of, load_case, save_case
from services.intake.domain.deemed import deem_accepted, warn_acceptance_due


@dataclass
class Judged:
    """What one pass did: the cases warned about and the cases accepted by art. 32."""

    warned: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)


async def judge_unjudged_cases(*, uow: IntakeUnitOfWork, clock: Clock) -> Judged:
    """One pass over the online submissions awaiting the window, each in its own transaction."""
    now = clock.now()
    async with uow.begin() as tx:
        waiting = await tx.views.unjudged_online_cases()
    judged = Judged()
    for case_id in waiting:
        try:
            async with uow.begin() as tx:
                case = await load_case(tx, case_id, None)
                calendar = await tx.calendar()
                item = await item_of(tx, case)
                events = deem_accepted(case, item, calendar, now=now) or warn_acceptance_due(
                    case, calendar, now=now
                )
                await save_case(tx, case, events, now=clock.now())
        except ConcurrencyError:
            continue  # a clerk acted meanwhile: the next pass looks again
        if events:
            done = judged.accepted if isinstance(events[0], CaseAccepted) else judged.warned
            done.append(case_id)
    return judged

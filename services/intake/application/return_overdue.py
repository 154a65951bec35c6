"""退件: return accepted cases whose tolerated materials were not supplied by the promised date."""

from __future__ import annotations

from libs.events.clock import Clock
from libs.events.store import ConcurrencyError
from services.intake.application.common import IntakeUnitOfWork, load_case, save_case
from services.intake.domain.acceptance import today


async def return_overdue_cases(*, uow: IntakeUnitOfWork, clock: Clock) -> list[str]:
    """Return every overdue case, each in its own transaction; the ids of those returned."""
    now = clock.now()
    async with uow.begin() as tx:
        due = await tx.views.overdue_promises(today(now))
    returned = []
    for case_id in due:
        try:
            async with uow.begin() as tx:
                case = await load_case(tx, case_id, None)
                events = case.return_overdue(now)
                await save_case(tx, case, events, now=clock.now())
        except ConcurrencyError:
            continue  # changed meanwhile (supplemented, extended): the next pass looks again
        if events:
            returned.append(case_id)
    return returned

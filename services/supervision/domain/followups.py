"""Rules of the closed loops: ratings (好差评), opinions (督察意见), complaints and notices.

Each loop has an answer deadline and therefore a light of its own, computed like a case's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.calendar import Deadline, WorkCalendar
from libs.events.clock import SHANGHAI
from services.supervision.domain.lights import Color, colour_at, remaining_days, schedule
from services.supervision.domain.rules import (
    AnswerOnlyWhileOpen,
    AppealOnce,
    AppealOnlyAfterAnswer,
    OnlyBadRatingsNeedAnAnswer,
    OnlyCompletedCasesAreRated,
    RatingBetweenOneAndFive,
)

BAD_RATING_MAX = 2


def is_bad(score: int) -> bool:
    """差评: a rating of 1 or 2."""
    return score <= BAD_RATING_MAX


def answer_deadline(now: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The end of the `days`-th working day after today: when an answer is due."""
    return calendar.deadline(now, days).at


@dataclass(frozen=True)
class LoopLight:
    """The light of an open or answered loop."""

    color: Color
    remaining: float


def loop_light(
    *,
    opened_at: datetime,
    answer_by: datetime,
    answered_at: datetime | None,
    now: datetime,
    calendar: WorkCalendar,
) -> LoopLight:
    """The loop's colour at `now` (frozen once answered), by the cases' colour rules."""
    due_day = answer_by.astimezone(SHANGHAI).date()
    deadline = Deadline(at=answer_by, due_day=due_day, provisional=False)
    limit = max(calendar.working_days_between(opened_at.astimezone(SHANGHAI).date(), due_day), 0)
    seen = min(now, answered_at) if answered_at else now
    plan = schedule(deadline, limit, calendar, escalate_after_days=0)
    return LoopLight(colour_at(seen, plan), remaining_days(seen, deadline, calendar))


def rating_must_be_in_range(score: int) -> None:
    """RatingBetweenOneAndFive."""
    if not 1 <= score <= 5:
        raise RatingBetweenOneAndFive(f"a rating is 1 to 5, got {score}")


def only_completed_cases_are_rated(status: str | None, completed: bool) -> None:
    """OnlyCompletedCasesAreRated."""
    if not completed:
        raise OnlyCompletedCasesAreRated(
            f"the case is not completed yet (status {status}); rate it once it is decided"
        )


def only_bad_ratings_are_answered(score: int) -> None:
    """OnlyBadRatingsNeedAnAnswer."""
    if not is_bad(score):
        raise OnlyBadRatingsNeedAnAnswer(f"a rating of {score} opens no follow-up to answer")


def appeal_only_after_an_answer(status: str) -> None:
    """AppealOnlyAfterAnswer."""
    if status != "answered":
        raise AppealOnlyAfterAnswer(
            f"the rating is {status}; an appeal is possible once the department has answered"
        )


def appeal_once(appealed: bool) -> None:
    """AppealOnce."""
    if appealed:
        raise AppealOnce("the applicant has already appealed this rating")


def answer_while_open(kind: str, status: str, open_statuses: tuple[str, ...]) -> None:
    """AnswerOnlyWhileOpen."""
    if status not in open_statuses:
        raise AnswerOnlyWhileOpen(f"the {kind} is {status}; there is nothing to answer")

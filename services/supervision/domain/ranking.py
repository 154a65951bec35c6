"""窗口评优: the window ranking of the monthly circular.

score = 100 × (0.6 × 按期办结率 + 0.4 × 好评率) − 2 per unresolved complaint − 2 per anomaly,
where 好评率 is the share of ratings of 4 or 5; a window nobody rated is scored on its on-time
rate alone, and a window that completed nothing is listed last without a score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.supervision.domain.stats import Figures

ON_TIME_WEIGHT = 0.6
RATING_WEIGHT = 0.4
PENALTY = 2.0
GOOD_SCORE = 4


@dataclass(frozen=True)
class Window:
    """One department's window in one center, with what the ranking weighs."""

    center: str
    department: str
    figures: Figures
    scores: tuple[int, ...] = ()
    open_complaints: int = 0
    anomalies: int = 0

    @property
    def good_rate(self) -> float | None:
        """好评率: ratings of 4 or 5 among all ratings."""
        if not self.scores:
            return None
        return round(sum(s >= GOOD_SCORE for s in self.scores) / len(self.scores), 4)

    @property
    def average_rating(self) -> float | None:
        """The mean rating, 1 to 5."""
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None

    @property
    def score(self) -> float | None:
        """The ranking score (None when the window completed nothing)."""
        on_time = self.figures.on_time_rate
        if on_time is None:
            return None
        good = self.good_rate
        base = on_time if good is None else ON_TIME_WEIGHT * on_time + RATING_WEIGHT * good
        penalty = PENALTY * (self.open_complaints + self.anomalies)
        return round(max(100 * base - penalty, 0.0), 2)


def rank(windows: Iterable[Window]) -> list[tuple[int | None, Window]]:
    """Windows best first with their rank; unscored windows last, unranked."""
    windows = list(windows)
    scored = sorted(
        (w for w in windows if w.score is not None),
        key=lambda w: (-(w.score or 0.0), -w.figures.completed, w.center, w.department),
    )
    unscored = [w for w in windows if w.score is None]
    ranked: list[tuple[int | None, Window]] = [(i, w) for i, w in enumerate(scored, start=1)]
    return ranked + [(None, w) for w in sorted(unscored, key=lambda w: (w.center, w.department))]

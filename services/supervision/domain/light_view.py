"""A light as people read it: one clock of a case evaluated at an instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from libs.events.calendar import WorkCalendar
from libs.events.words import case_status, status_zh
from services.supervision.domain.clock import CaseClock, is_part
from services.supervision.domain.lights import Color, colour_at, remaining_days, schedule, worst


@dataclass(frozen=True)
class LightView:
    """One clock of one case as shown at an instant."""

    case_id: str
    part: str
    clock: CaseClock
    color: Color
    remaining: float
    case: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of `GET /v1/lights`."""
        c = self.clock
        return {
            "case_id": self.case_id,
            "case_no": self.case.get("case_no"),
            "part": self.part,
            "stage": c.stage or None,
            "center": self.case.get("center"),
            "department": c.department or self.case.get("department"),
            "item_code": self.case.get("item_code"),
            "item_name": self.case.get("item_name"),
            **shared_status(self.case),
            "color": self.color,
            "deadline": c.deadline.at,
            "due_day": c.deadline.due_day,
            "provisional": c.deadline.provisional,
            "limit_days": c.limit_days,
            "remaining": self.remaining,
            "paused": c.suspended_since is not None,
            "completed_at": c.completed_at,
            "outcome": c.outcome,
        }


def shared_status(case: dict[str, Any]) -> dict[str, Any]:
    """The case's status in the vocabulary every service answers in, its label, delivery."""
    status = case_status(case.get("status"), case.get("decision"))
    return {
        "status": status,
        "status_zh": status_zh(status),
        "delivered": case.get("status") == "delivered",
    }


def view(
    case_id: str, part: str, clock: CaseClock, case: dict[str, Any], at: datetime, cal: WorkCalendar
) -> LightView:
    """Evaluate one clock at `at` (a stopped clock shows the instant it stopped)."""
    seen = clock.effective(at)
    plan = schedule(clock.deadline, clock.limit_days, cal, escalate_after_days=0)
    color = colour_at(seen, plan)
    return LightView(case_id, part, clock, color, remaining_days(seen, clock.deadline, cal), case)


def stage_colour(views: Sequence[LightView]) -> Color | None:
    """A joint stage shows the worst of its parts."""
    return worst(v.color for v in views if is_part(v.part))

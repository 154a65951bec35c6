"""Supervision settings (environment variables of the same names, upper case)."""

from pydantic import BaseModel

from libs.events.runtime import ServiceSettings
from services.supervision.domain.anomalies import Thresholds
from services.supervision.domain.ladder import WorkingHours
from services.supervision.domain.scope import CenterTree


class Center(BaseModel):
    """A center of the hierarchy: its name and the center above it."""

    name: str = ""
    parent: str = ""


class Settings(ServiceSettings):
    """Environment of the supervision service."""

    database_url: str = "sqlite:///var/supervision.db"
    # CENTERS='{"350521": {"name": "晋江市政务服务中心", "parent": "350500"}}'
    centers: dict[str, Center] = {}
    # DEPARTMENT_NAMES='{"SCJG": "市场监管局"}': shown on the dashboard and in reports.
    department_names: dict[str, str] = {}
    tick_interval_seconds: float = 5.0
    stream_poll_seconds: float = 0.5
    escalate_after_days: int = 2  # the red-plus-N rung: to the department head
    working_hours: str = "09:00-17:30"  # notifications to staff go out only then
    late_acceptance_days: int = 5
    long_pause_days: int = 10
    quick_decision_minutes: int = 30
    opinion_answer_days: int = 5
    complaint_answer_days: int = 5
    rating_answer_days: int = 5
    notice_rectify_days: int = 10

    def center_tree(self) -> CenterTree:
        """The configured hierarchy; this node's own center is always part of it."""
        parents = {code: c.parent for code, c in self.centers.items()}
        parents.setdefault(self.center_code, self.parent_center)
        names = {code: c.name for code, c in self.centers.items() if c.name}
        return CenterTree(parents, names)

    def thresholds(self) -> Thresholds:
        """The anomaly rules' limits."""
        return Thresholds(
            late_acceptance_days=self.late_acceptance_days,
            long_pause_days=self.long_pause_days,
            quick_decision_minutes=self.quick_decision_minutes,
        )

    def hours(self) -> WorkingHours:
        """Staff working hours."""
        return WorkingHours.parse(self.working_hours)

"""Who may answer for a department, and where a supervisor may act."""

from __future__ import annotations

from libs.events.auth import Principal
from services.supervision.application.scope import scope_of
from services.supervision.config import Settings
from services.supervision.domain.rules import OnlyTheDepartmentAnswers, SupervisionWithinScope


def must_be_the_department(principal: Principal, center: str, department: str) -> None:
    """OnlyTheDepartmentAnswers: its own staff in its own center."""
    if principal.center != center or principal.department != department:
        raise OnlyTheDepartmentAnswers(
            f"only staff of {department} at center {center} may answer this"
        )


def must_be_in_scope(
    principal: Principal, settings: Settings, center: str, department: str
) -> None:
    """SupervisionWithinScope: a supervisor acts on their center and those below it only, and
    this node on its own center and those below it (another tree's token is no use here)."""
    tree = settings.center_tree()
    served = tree.with_children(settings.center_code)
    if center not in served or not scope_of(principal, tree).allows(center, department):
        raise SupervisionWithinScope(
            f"center {center} is outside the supervision of center {principal.center}"
        )

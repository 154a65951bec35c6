"""Who may answer for a department: its own staff in its own center."""

from __future__ import annotations

from libs.events.auth import Principal
from libs.events.http import RuleViolation


def must_be_the_department(principal: Principal, center: str, department: str) -> None:
    """OnlyTheDepartmentAnswers."""
    if principal.center != center or principal.department != department:
        raise RuleViolation(
            "OnlyTheDepartmentAnswers",
            f"only staff of {department} at center {center} may answer this",
            status=403,
            detail_zh="只能由该中心该部门的工作人员答复",
        )

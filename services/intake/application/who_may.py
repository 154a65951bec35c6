"""Who may send which case command: rules on the caller, checked by the handlers themselves."""

from __future__ import annotations

from collections.abc import Mapping

from libs.events.auth import Principal, Role
from libs.events.contract import Channel
from services.intake.domain.rules import (
    ApplicantsApplyOnline,
    NodeServesItsCenterOnly,
    OnlyStaffJudgeMaterials,
)


def judged_by_staff(principal: Principal, rejected: Mapping[str, str]) -> None:
    """Only the window's staff find materials wrong (OnlyStaffJudgeMaterials)."""
    if rejected and principal.role == Role.applicant:
        raise OnlyStaffJudgeMaterials(
            "only the window's staff judge materials; an applicant sends no `rejected` list",
            field="rejected",
        )


def served_here(principal: Principal, center: str) -> None:
    """A clerk of another center submits nothing here (NodeServesItsCenterOnly)."""
    if principal.role == Role.clerk and principal.center != center:
        raise NodeServesItsCenterOnly(
            f"this intake node serves center {center}, not {principal.center}",
            detail_zh=f"本收件节点只服务中心 {center}，不服务 {principal.center}",
        )


def channel_of(principal: Principal, requested: Channel | None) -> Channel:
    """An applicant's own submission is online; staff receive at the window unless told."""
    if principal.role == Role.applicant:
        if requested == "window":
            raise ApplicantsApplyOnline("an applicant's own submission is online", field="channel")
        return "online"
    return requested or "window"

"""Supervision's own events (on `supervision-events`): the warning ladder, ratings and
rectification notices. No other service reads them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from libs.events.contract.cases import CaseEvent
from libs.events.registry import SUPERVISION_EVENTS, Event, registry


@registry.register("onewindow.light.warning_issued.v1", topic=SUPERVISION_EVENTS)
class WarningIssued(CaseEvent):
    """A rung of the warning ladder fired once: 临界预警, 超时警告 or escalation to the head."""

    rung: Literal["yellow", "red", "escalation"]
    department: str
    deadline: datetime
    fired_at: datetime
    notify: list[str]  # recipients such as `department:<code>` or `department-head:<code>`
    notify_at: datetime  # the first working-hours instant at or after fired_at


@registry.register("onewindow.rating.given.v1", topic=SUPERVISION_EVENTS)
class CaseRated(Event):
    """好差评: the applicant rated a completed case (1-5); a bad rating opens a follow-up."""

    rating_id: str
    case_id: str
    center: str
    department: str
    score: int
    comment: str = ""
    rated_by: str
    rated_at: datetime
    answer_by: datetime | None = None  # set for a bad rating: the department answers by then


@registry.register("onewindow.rating.answered.v1", topic=SUPERVISION_EVENTS)
class RatingAnswered(Event):
    """The department followed up a bad rating, remedied and answered the applicant."""

    rating_id: str
    follow_up: str
    remedy: str
    answer: str
    answered_by: str
    answered_at: datetime


@registry.register("onewindow.rating.appealed.v1", topic=SUPERVISION_EVENTS)
class RatingAppealed(Event):
    """The applicant appealed the department's answer (once)."""

    rating_id: str
    reason: str
    appealed_at: datetime


@registry.register("onewindow.rating.appeal_decided.v1", topic=SUPERVISION_EVENTS)
class RatingAppealDecided(Event):
    """A supervisor decided the appeal; upheld sends the rating back for a new answer."""

    rating_id: str
    upheld: bool
    note: str = ""
    decided_by: str
    decided_at: datetime
    answer_by: datetime | None = None


@registry.register("onewindow.notice.issued.v1", topic=SUPERVISION_EVENTS)
class RectificationNoticeIssued(Event):
    """效能督查整改通知书: a department must rectify by a deadline."""

    notice_id: str
    center: str
    department: str
    text: str
    issued_by: str
    issued_at: datetime
    rectify_by: datetime


@registry.register("onewindow.notice.answered.v1", topic=SUPERVISION_EVENTS)
class RectificationNoticeAnswered(Event):
    """The department reported its rectification."""

    notice_id: str
    answer: str
    answered_by: str
    answered_at: datetime

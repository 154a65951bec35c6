"""What a project's stage shows of its 现场会审 and of the materials supplied for 补正."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from services.approval.events import ProjectSiteReviewRecorded, ProjectSupplemented


class SiteOpinionRead(BaseModel):
    """One department's opinion at a 现场会审."""

    department: str
    attendee: str
    opinion: str
    comment: str


class SiteReviewRead(BaseModel):
    """现场会审 attached to a stage: where, when, each department's opinion."""

    project_id: str
    center: str
    review_id: str
    stage: str
    held_at: datetime
    place: str
    opinions: list[SiteOpinionRead]
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, event: ProjectSiteReviewRecorded) -> SiteReviewRead:
        """The review as its event recorded it."""
        return cls.model_validate(event.model_dump())


class SupplementRead(BaseModel):
    """Materials supplied for a paused part (by the agent on the applicant's behalf)."""

    project_id: str
    center: str
    stage: str
    department: str
    materials: list[str]
    by: str
    on_behalf_of: str
    at: datetime

    @classmethod
    def of(cls, event: ProjectSupplemented) -> SupplementRead:
        """The supplement as its event recorded it."""
        return cls.model_validate(event.model_dump())
